using AbParts.Application.Common.Abstractions;
using AbParts.Application.Common.Specifications;
using AbParts.Application.Images;
using AbParts.Domain.Images;
using AbParts.Domain.Media;
using AbParts.Domain.Organizations;
using AbParts.Infrastructure.Persistence;
using Ardalis.Specification;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.Infrastructure.IntegrationTests;

/// <summary>Ardalis specifications through our evaluator and the real repository against PostgreSQL (ADR 0023).</summary>
public sealed class SpecificationEvaluatorTests(MigratedDatabaseFixture fixture) : IClassFixture<MigratedDatabaseFixture>
{
    private static readonly DateTimeOffset Earlier = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Earlier.AddDays(1);

    [Fact]
    public async Task PagesFollowTheOrderAndItsThenByDescending()
    {
        var prefix = await SeedAsync();
        await using var scope = fixture.Services.Scope();
        var repository = scope.ServiceProvider.GetRequiredService<IRepository<Organization>>();

        var first = await repository.ListAsync(new ByCreationThenNameDescending(prefix, page: 1, pageSize: 2), CancellationToken.None);
        var second = await repository.ListAsync(new ByCreationThenNameDescending(prefix, page: 2, pageSize: 2), CancellationToken.None);
        var last = await repository.ListAsync(new ByCreationThenNameDescending(prefix, page: 3, pageSize: 2), CancellationToken.None);

        first.Select(o => o.Name).Should().Equal(prefix + "c", prefix + "a");
        second.Select(o => o.Name).Should().Equal(prefix + "e", prefix + "d");
        last.Select(o => o.Name).Should().Equal(prefix + "b");
    }

    [Fact]
    public async Task CountAndAnyIgnorePagingAndOrdering()
    {
        var prefix = await SeedAsync();
        await using var scope = fixture.Services.Scope();
        var repository = scope.ServiceProvider.GetRequiredService<IRepository<Organization>>();
        var pastTheEnd = new ByCreationThenNameDescending(prefix, page: 9, pageSize: 2);

        var page = await repository.ListAsync(pastTheEnd, CancellationToken.None);
        var count = await repository.CountAsync(pastTheEnd, CancellationToken.None);
        var any = await repository.AnyAsync(pastTheEnd, CancellationToken.None);

        page.Should().BeEmpty();
        count.Should().Be(5);
        any.Should().BeTrue();
    }

    [Fact]
    public async Task AsNoTrackingLeavesTheChangeTrackerEmpty()
    {
        var prefix = await SeedAsync();
        await using var scope = fixture.Services.Scope();
        var repository = scope.ServiceProvider.GetRequiredService<IRepository<Organization>>();
        var db = scope.ServiceProvider.GetRequiredService<AbPartsDbContext>();

        var loaded = await repository.ListAsync(new ByCreationThenNameDescending(prefix, page: 1, pageSize: 5), CancellationToken.None);

        loaded.Should().HaveCount(5);
        db.ChangeTracker.Entries<Organization>().Should().BeEmpty();
    }

    [Fact]
    public async Task WithoutAsNoTrackingTheLoadedAggregatesAreTracked()
    {
        var prefix = await SeedAsync();
        await using var scope = fixture.Services.Scope();
        var repository = scope.ServiceProvider.GetRequiredService<IRepository<Organization>>();
        var db = scope.ServiceProvider.GetRequiredService<AbPartsDbContext>();

        var loaded = await repository.ListAsync(new ByPrefixTracked(prefix), CancellationToken.None);

        loaded.Should().HaveCount(5);
        db.ChangeTracker.Entries<Organization>().Should().HaveCount(5).And.OnlyContain(e => e.State == EntityState.Unchanged);
    }

    [Fact]
    public async Task AnIncludeLoadsTheNavigation()
    {
        var image = ImageAsset.Create(RandomBytes(512), new ImageMetadata(640, 480), StorageBackend.Postgres, Earlier);
        image.AddThumbnail(100, RandomBytes(100), new ImageMetadata(100, 75));
        image.AddThumbnail(200, RandomBytes(200), new ImageMetadata(200, 150));
        await fixture.SaveAsync(image);
        await using var scope = fixture.Services.Scope();

        var loaded = await scope.ServiceProvider.GetRequiredService<IRepository<ImageAsset>>()
            .FirstOrDefaultAsync(new ImageByIdSpec(image.Id), CancellationToken.None);

        loaded!.Thumbnails.Select(t => t.Size).Should().BeEquivalentTo([100, 200]);
    }

    [Fact]
    public async Task AFeatureTheEvaluatorDoesNotImplementIsRefused()
    {
        await using var scope = fixture.Services.Scope();
        var repository = scope.ServiceProvider.GetRequiredService<IRepository<Organization>>();

        var listing = () => repository.ListAsync(new SplitQuerySpec(), CancellationToken.None);

        await listing.Should().ThrowAsync<NotSupportedException>().WithMessage("*SplitQuerySpec*");
    }

    /// <summary>Five organizations: a and c earlier, b, d and e later, so the creation time ties need the then-by.</summary>
    private async Task<string> SeedAsync()
    {
        var prefix = $"Spec {Guid.NewGuid():N} ";
        foreach (var (letter, created) in new[] { ("d", Later), ("a", Earlier), ("b", Later), ("c", Earlier), ("e", Later) })
        {
            await fixture.SaveAsync(Organization.Create(prefix + letter, created));
        }

        return prefix;
    }

    private static byte[] RandomBytes(int length) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);

    private sealed class ByCreationThenNameDescending : Specification<Organization>
    {
        public ByCreationThenNameDescending(string prefix, int page, int pageSize)
        {
            Query.Where(o => o.Name.StartsWith(prefix))
                .OrderBy(o => o.CreatedAt).ThenByDescending(o => o.Name);
            Query.Page(page, pageSize)
                .AsNoTracking();
        }
    }

    private sealed class ByPrefixTracked : Specification<Organization>
    {
        public ByPrefixTracked(string prefix) => Query.Where(o => o.Name.StartsWith(prefix));
    }

    private sealed class SplitQuerySpec : Specification<Organization>
    {
        public SplitQuerySpec() => Query.AsSplitQuery();
    }
}
