using AbParts.Application.Common.Exceptions;
using AbParts.Application.Images;
using AbParts.Application.UnitTests.Support;
using AbParts.Domain.Images;
using AbParts.Domain.Parts;

namespace AbParts.Application.UnitTests.Images;

/// <summary>Every gallery change takes the part's lock before it reads the gallery (ADR 0010).</summary>
public sealed class PartGalleryLockingTests
{
    private readonly ImageHandlerFixture _fixture = new();
    private readonly Part _part = Fakes.Part("PN-1");
    private readonly InMemoryRepository<Part> _parts;

    public PartGalleryLockingTests() => _parts = new InMemoryRepository<Part>(_part);

    private Guid PartId => _part.Id.Value;

    private AddPartImagesHandler Add() => new(_fixture.Storage(), _parts, _fixture.OptionsValue, _fixture.UnitOfWork);

    private RemovePartImageHandler Remove() => new(_fixture.Storage(), _parts, _fixture.UnitOfWork);

    private ReorderPartImagesHandler Reorder() => new(_parts, _fixture.UnitOfWork);

    private static AddPartImagesCommand Adding(Guid partId, params byte[][] files) =>
        new(partId, files.Select(f => ImageHandlerFixture.File(f)).ToList());

    /// <summary>What another request committed while this one waited: <paramref name="count"/> more images.</summary>
    private static Action<Part> AnotherRequestAdds(int count) => part =>
    {
        for (var i = 0; i < count; i++)
        {
            part.AddImage(ImageAssetId.New(), Part.MaxImagesCeiling);
        }
    };

    public static TheoryData<string> Changes() => ["add", "remove", "reorder"];

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task EveryGalleryChangeLocksThePartBeforeReadingIt(string change)
    {
        await Add().Handle(Adding(PartId, [1], [2]), CancellationToken.None);
        var readsBefore = _parts.Reads;

        Task changing = change switch
        {
            "add" => Add().Handle(Adding(PartId, [3]), CancellationToken.None),
            "remove" => Remove().Handle(new RemovePartImageCommand(PartId, 0), CancellationToken.None),
            _ => Reorder().Handle(new ReorderPartImagesCommand(PartId, [1, 0]), CancellationToken.None),
        };
        await changing;

        // An add first asks whether the part exists (a count, no gallery read), so that it processes no image
        // for a part that is not there; the gallery itself is read only under the lock.
        var existenceChecks = change == "add" ? 1 : 0;
        _parts.Locks.Should().HaveCount(2);
        _parts.Locks[^1].Should().Be((_part.Id.Value, readsBefore + existenceChecks));
    }

    [Fact]
    public async Task AnAddCountsTheImagesAnotherRequestAddedWhileItWaitedAndIsRefusedWhenTheyFillTheGallery()
    {
        await Add().Handle(Adding(PartId, [1]), CancellationToken.None);
        var keys = _fixture.Store.Keys.Count;
        _parts.WhileLocking = AnotherRequestAdds(2);

        var adding = () => Add().Handle(Adding(PartId, [2]), CancellationToken.None);

        (await adding.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("file");
        _part.ImageCount.Should().Be(3);
        _fixture.Store.Keys.Should().HaveCount(keys, "a refused add stores no bytes");
        _fixture.Images.Items.Should().HaveCount(1, "a refused add keeps no image");
    }

    [Fact]
    public async Task AnAddAppendsAfterTheImagesAnotherRequestAddedWhileItWaited()
    {
        _parts.WhileLocking = AnotherRequestAdds(1);

        var added = await Add().Handle(Adding(PartId, [1]), CancellationToken.None);

        added.Should().ContainSingle().Which.Index.Should().Be(1);
        _part.Images.Select(i => i.Position).Should().Equal(0, 1);
    }

    [Fact]
    public async Task ARemovalOfAnIndexAnotherRequestRemovedWhileItWaitedIsNotFound()
    {
        await Add().Handle(Adding(PartId, [1], [2]), CancellationToken.None);
        _parts.WhileLocking = part => part.RemoveImageAt(1);

        var removing = () => Remove().Handle(new RemovePartImageCommand(PartId, 1), CancellationToken.None);

        await removing.Should().ThrowAsync<NotFoundException>();
        _part.ImageCount.Should().Be(1);
    }

    [Fact]
    public async Task AReorderOfAGalleryAnotherRequestGrewWhileItWaitedIsRefused()
    {
        await Add().Handle(Adding(PartId, [1], [2]), CancellationToken.None);
        var before = _part.Images;
        _parts.WhileLocking = AnotherRequestAdds(1);

        var reordering = () => Reorder().Handle(new ReorderPartImagesCommand(PartId, [1, 0]), CancellationToken.None);

        (await reordering.Should().ThrowAsync<ValidationException>()).Which.Errors.Should().ContainKey("order");
        _part.Images.Take(2).Should().Equal(before, "a refused reorder changes nothing");
    }

    [Fact]
    public async Task AGalleryChangeOfAPartThatDoesNotExistIsNotFoundAndStoresNothing()
    {
        var missing = Guid.NewGuid();

        var adding = () => Add().Handle(Adding(missing, [1]), CancellationToken.None);

        await adding.Should().ThrowAsync<NotFoundException>();
        _fixture.Store.Keys.Should().BeEmpty();
        _fixture.Processor.Invocations.Should().BeEmpty("the part's absence is found before any image is processed");
    }

    [Fact]
    public async Task CountingTheGalleryTakesNoLock()
    {
        await Add().Handle(Adding(PartId, [1]), CancellationToken.None);

        var count = await new CountPartImagesHandler(_parts).Handle(new CountPartImagesQuery(PartId), CancellationToken.None);

        count.Should().Be(1);
        _parts.Locks.Should().ContainSingle("only the add locked the part");
    }
}
