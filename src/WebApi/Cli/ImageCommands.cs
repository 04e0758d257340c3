using System.CommandLine;
using System.Globalization;
using AbParts.Application.Images;
using MediatR;

namespace AbParts.WebApi.Cli;

/// <summary><c>images import-legacy</c>.</summary>
internal static class ImageCommands
{
    public static Command Create() => new("images", "Image maintenance.") { ImportLegacy() };

    private static Command ImportLegacy()
    {
        var mediaRoot = new Option<string>("--media-root")
        {
            Required = true,
            Description = "The folder the old system served its files from (its /app): the URL /static/images/x.jpg is DIR/static/images/x.jpg.",
        };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Check every URL (path, existence, size) and report what would be done; decode nothing, change nothing.",
        };
        var import = new Command("import-legacy",
            "Store the old system's image files (users.profile_photo_url, organizations.logo_url, parts.image_urls) in the " +
            "database, keeping the URL columns. Safe to rerun: what is done is skipped. Exit 1 when some file failed.")
        {
            mediaRoot, dryRun,
        };
        import.SetAction((parse, cancellationToken) => CommandLine.RunWithServicesAsync(async (services, ct) =>
        {
            var mediator = services.GetRequiredService<IMediator>();
            var output = CliOutput.ForConsole();
            var dry = parse.GetValue(dryRun);
            var owners = await mediator.Send(new ListLegacyImageOwnersQuery(), ct);
            var report = await output.ProgressAsync(dry ? "Checking legacy images (dry run)" : "Importing legacy images",
                owners.Count, progress => mediator.Send(new ImportLegacyImagesCommand(parse.GetValue(mediaRoot)!, dry, owners,
                    result => progress(Describe(result, dry))), ct));

            output.Table(dry ? $"Legacy images in {report.MediaRoot} (dry run: nothing was changed)" : $"Legacy images from {report.MediaRoot}",
                ["outcome", "count"],
                Enum.GetValues<LegacyImageOutcome>().Select(o => (IReadOnlyList<string>)[Label(o, dry), report.Count(o).ToString(CultureInfo.InvariantCulture)]));
            if (report.HasFailures)
            {
                output.Table("Failed", ["kind", "id", "url", "outcome", "reason"],
                    report.Failures.Select(f => (IReadOnlyList<string>)
                        [Kind(f.Owner.Kind), f.Owner.Id.ToString(), f.Url ?? string.Empty, Label(f.Outcome, dry), f.Reason]));
            }

            return report.HasFailures ? ExitCodes.Failed : ExitCodes.Success;
        }, cancellationToken));
        return import;
    }

    /// <summary>One line per owner: what became of each of its URLs.</summary>
    private static string Describe(LegacyImageOwnerResult result, bool dryRun) =>
        $"{Kind(result.Owner.Kind)} {result.Owner.Id}: " + string.Join("; ", result.Items.Select(item => item switch
        {
            { Url: null } => $"{Label(item.Outcome, dryRun)} ({item.Reason})",
            _ => $"{Label(item.Outcome, dryRun)} {item.Url}",
        }));

    private static string Kind(LegacyImageOwnerKind kind) => kind.ToString().ToLowerInvariant();

    private static string Label(LegacyImageOutcome outcome, bool dryRun) => outcome switch
    {
        LegacyImageOutcome.Migrated => dryRun ? "would migrate" : "migrated",
        LegacyImageOutcome.AlreadyDone => "already done",
        LegacyImageOutcome.FileMissing => "file missing",
        LegacyImageOutcome.NotAnImage => "not an image",
        LegacyImageOutcome.TooLarge => "too large",
        LegacyImageOutcome.Unprocessable => "cannot be processed",
        LegacyImageOutcome.RefusedPath => "refused path",
        LegacyImageOutcome.GalleryFull => "gallery full",
        LegacyImageOutcome.Gone => "gone",
        _ => outcome.ToString(),
    };
}
