using AbParts.Application.Common.Security;
using AbParts.Application.Images;
using AbParts.WebApi.Endpoints;
using Microsoft.Extensions.Configuration;

namespace AbParts.WebApi.FunctionalTests;

/// <summary>The in-memory image cache on its own: what it answers, and what a change of the owner voids.</summary>
public sealed class ImageCacheTests : IDisposable
{
    private static readonly Guid PartId = Guid.Parse("0195f3c4-1111-7000-8000-000000000001");
    private static readonly Guid OtherPartId = Guid.Parse("0195f3c4-2222-7000-8000-000000000002");

    private readonly ImageCache _cache = Create(seconds: 60);

    [Fact]
    public void AStoredRenditionIsAnsweredForItsTargetAndSizeOnly()
    {
        var target = new ImageTarget.PartImage(PartId, 0);
        _cache.Set(target, 200, Image("a"), _cache.Ticket(target));

        _cache.TryGet(target, 200, out var hit).Should().BeTrue();
        hit!.Version.Should().Be("a");
        _cache.TryGet(target, null, out _).Should().BeFalse("the full image is another rendition");
        _cache.TryGet(new ImageTarget.PartImage(PartId, 1), 200, out _).Should().BeFalse();
    }

    [Fact]
    public void EvictingAPartVoidsEveryIndexAndSizeOfItButNotAnotherPart()
    {
        var first = new ImageTarget.PartImage(PartId, 0);
        var second = new ImageTarget.PartImage(PartId, 3);
        var other = new ImageTarget.PartImage(OtherPartId, 0);
        _cache.Set(first, null, Image("a"), _cache.Ticket(first));
        _cache.Set(second, 100, Image("b"), _cache.Ticket(second));
        _cache.Set(other, null, Image("c"), _cache.Ticket(other));

        _cache.EvictPart(PartId);

        _cache.TryGet(first, null, out _).Should().BeFalse();
        _cache.TryGet(second, 100, out _).Should().BeFalse();
        _cache.TryGet(other, null, out _).Should().BeTrue();
    }

    [Fact]
    public void AReadThatStartedBeforeAChangeCannotStoreItsStaleAnswer()
    {
        var target = new ImageTarget.UserProfile(PartId);
        var ticket = _cache.Ticket(target); // the read starts
        _cache.EvictUser(PartId);           // an upload commits meanwhile

        _cache.Set(target, null, Image("stale"), ticket);

        _cache.TryGet(target, null, out _).Should().BeFalse();
    }

    [Fact]
    public void AnAnswerStoredAfterTheChangeIsKept()
    {
        var target = new ImageTarget.OrganizationLogo(PartId);
        _cache.EvictOrganization(PartId);

        _cache.Set(target, null, Image("fresh"), _cache.Ticket(target));

        _cache.TryGet(target, null, out var hit).Should().BeTrue();
        hit!.Version.Should().Be("fresh");
    }

    [Fact]
    public void EvictingAUserDoesNotVoidTheOrganizationWithTheSameId()
    {
        var logo = new ImageTarget.OrganizationLogo(PartId);
        _cache.Set(logo, null, Image("logo"), _cache.Ticket(logo));

        _cache.EvictUser(PartId);

        _cache.TryGet(logo, null, out _).Should().BeTrue();
    }

    [Fact]
    public void ALifetimeOfZeroTurnsTheCacheOff()
    {
        using var off = Create(seconds: 0);
        var target = new ImageTarget.VideoPoster(PartId);

        off.Set(target, null, Image("a"), off.Ticket(target));

        off.Enabled.Should().BeFalse();
        off.TryGet(target, null, out _).Should().BeFalse();
    }

    public void Dispose() => _cache.Dispose();

    private static CachedImage Image(string version) =>
        new([1, 2, 3], version, "image/webp", DateTimeOffset.UnixEpoch, IsThumbnail: false,
            new ImageAccess(MediaAudience.SignedInUsers, version, FixedForItsId: false));

    private static ImageCache Create(int seconds) => new(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Images:ResponseCacheSeconds"] = $"{seconds}" })
        .Build());
}
