using AbParts.Application.Common.Abstractions;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.Application.Images;

/// <summary>
/// Moves the old system's image files into the database: for each owner, every file its legacy URL column names
/// goes through the image pipeline and is stored as its photo, logo or gallery, one transaction per owner. The
/// legacy columns stay as they are (for rollback); an owner that already has its image is "already done", so a
/// rerun does only what is left. <paramref name="DryRun"/> checks paths, existence and sizes, decodes nothing
/// and changes nothing. <paramref name="OnOwner"/> hears of each owner as soon as it is done.
/// </summary>
/// <param name="MediaRoot">The folder the old system served its files from (its <c>/app</c>).</param>
/// <param name="Owners">What to import, as <see cref="ListLegacyImageOwnersQuery"/> lists it.</param>
public sealed record ImportLegacyImagesCommand(string MediaRoot, bool DryRun, IReadOnlyList<LegacyImageOwner> Owners,
    Action<LegacyImageOwnerResult>? OnOwner = null) : IRequest<LegacyImportReport>;

public sealed class ImportLegacyImagesValidator : AbstractValidator<ImportLegacyImagesCommand>
{
    public ImportLegacyImagesValidator()
    {
        RuleFor(c => c.MediaRoot).NotEmpty().WithMessage("Give the old system's media folder.");
        RuleFor(c => c.Owners).NotNull();
    }
}

public sealed class ImportLegacyImagesHandler(ILegacyMediaRoots roots, IServiceScopeFactory scopes)
    : IRequestHandler<ImportLegacyImagesCommand, LegacyImportReport>
{
    public async Task<LegacyImportReport> Handle(ImportLegacyImagesCommand request, CancellationToken cancellationToken)
    {
        var root = roots.Open(request.MediaRoot);
        var results = new List<LegacyImageOwnerResult>(request.Owners.Count);
        foreach (var owner in request.Owners)
        {
            // A scope (and so a unit of work) per owner: what one owner loaded or failed to save is gone before
            // the next, however many thousands follow.
            await using var scope = scopes.CreateAsyncScope();
            var importer = ActivatorUtilities.CreateInstance<LegacyImageImporter>(scope.ServiceProvider);
            var result = new LegacyImageOwnerResult(owner,
                await importer.ImportAsync(root, owner, request.DryRun, cancellationToken));
            results.Add(result);
            request.OnOwner?.Invoke(result);
        }

        return new LegacyImportReport(request.DryRun, root.Path, results);
    }
}

/// <summary>What became of one legacy image URL. The first two are successes; <see cref="Gone"/> is neither.</summary>
public enum LegacyImageOutcome
{
    /// <summary>Stored (in a dry run: would be).</summary>
    Migrated,

    /// <summary>
    /// Imported by an earlier run (even if removed since: it is not brought back), or the owner got its image
    /// another way (an upload); nothing was read.
    /// </summary>
    AlreadyDone,

    FileMissing,

    /// <summary>The file is not an image in an accepted format (or not a file with bytes at all).</summary>
    NotAnImage,

    /// <summary>Over <c>Images:MaxInputBytes</c>.</summary>
    TooLarge,

    /// <summary>An accepted format the pipeline could not use: damaged, too many pixels, cannot be compressed enough.</summary>
    Unprocessable,

    /// <summary>The URL leads out of the media folder, or is not the URL of a file.</summary>
    RefusedPath,

    /// <summary>Beyond <c>Images:MaxImagesPerPart</c>.</summary>
    GalleryFull,

    /// <summary>The owner was removed, or its legacy URL cleared, while the import ran.</summary>
    Gone,
}

/// <param name="Url">The legacy URL; null only for an owner that is <see cref="LegacyImageOutcome.Gone"/>.</param>
/// <param name="Reason">Why, for a failure or an unexpected success; otherwise empty.</param>
public sealed record LegacyImageItem(LegacyImageOwner Owner, string? Url, LegacyImageOutcome Outcome, string Reason = "")
{
    public bool Failed => Outcome is not (LegacyImageOutcome.Migrated or LegacyImageOutcome.AlreadyDone or LegacyImageOutcome.Gone);
}

/// <summary>One owner's items: one for a photo or a logo, one per legacy URL for a part.</summary>
public sealed record LegacyImageOwnerResult(LegacyImageOwner Owner, IReadOnlyList<LegacyImageItem> Items);

public sealed record LegacyImportReport(bool DryRun, string MediaRoot, IReadOnlyList<LegacyImageOwnerResult> Owners)
{
    public IEnumerable<LegacyImageItem> Items => Owners.SelectMany(o => o.Items);

    /// <summary>Legacy URLs with this outcome.</summary>
    public int Count(LegacyImageOutcome outcome) => Items.Count(i => i.Outcome == outcome);

    public IReadOnlyList<LegacyImageItem> Failures => [.. Items.Where(i => i.Failed)];

    public bool HasFailures => Items.Any(i => i.Failed);
}
