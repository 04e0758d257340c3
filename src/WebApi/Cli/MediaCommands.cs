using System.CommandLine;
using System.Globalization;
using AbParts.Application.Common.Abstractions;
using AbParts.Application.Storage;
using AbParts.Domain.Media;
using MediatR;
using Microsoft.Extensions.Options;

namespace AbParts.WebApi.Cli;

/// <summary><c>media sweep</c> and <c>media sync</c>.</summary>
internal static class MediaCommands
{
    public static Command Create() => new("media", "Media store maintenance.") { Sweep(), Sync() };

    private static Command Sweep()
    {
        var sweep = new Command("sweep",
            "Remove leftovers older than Storage:Sweep:MinAge: spooled uploads, and stored objects no row references.");
        sweep.SetAction((_, cancellationToken) => CommandLine.RunWithServicesAsync(async (services, ct) =>
        {
            var report = await services.GetRequiredService<IMediator>().Send(new SweepOrphansCommand(), ct);
            Console.WriteLine($"Removed {report.SpooledFiles} spooled upload(s), {report.VideoObjects} video object(s), " +
                              $"{report.ImageObjects} image object(s) and {report.FileObjects} chat file object(s).");
            return ExitCodes.Success;
        }, cancellationToken));
        return sweep;
    }

    private static Command Sync()
    {
        var from = new Option<string>("--from") { Description = "The store to copy from: local or s3.", Required = true };
        var to = new Option<string>("--to") { Description = "The store to copy to: local or s3.", Required = true };
        from.AcceptOnlyFromAmong("local", "s3");
        to.AcceptOnlyFromAmong("local", "s3");
        var dryRun = new Option<bool>("--dry-run") { Description = "Change nothing; report what would be copied, deleted and switched." };
        var delete = new Option<bool>("--delete")
        {
            Description = "Also delete objects under videos/ and files/ of the target that the source does not have (never one a row uses).",
        };
        var @switch = new Option<bool>("--switch")
        {
            Description = "Also move every video and chat-file row on the source to the target once its copy is read back and verified.",
        };
        var sync = new Command("sync",
            "Copy the video store's objects (videos/, files/) that are missing or differ (by size and SHA-256) from one " +
            "configured store (Storage:Videos:Local, Storage:Videos:S3) to the other. Safe to rerun: it copies only what is left.")
        {
            from, to, dryRun, delete, @switch,
        };
        sync.SetAction((parse, cancellationToken) => CommandLine.RunWithServicesAsync(async (services, ct) =>
        {
            var output = CliOutput.ForConsole();
            var command = new SyncVideoStoreCommand(Backend(parse.GetValue(from)!), Backend(parse.GetValue(to)!),
                parse.GetValue(dryRun), parse.GetValue(delete), parse.GetValue(@switch))
            {
                Progress = output,
            };
            VideoStoreSyncReport report;
            try
            {
                report = await services.GetRequiredService<IMediator>().Send(command, ct);
            }
            catch (OptionsValidationException e)
            {
                await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, e.Failures));
                return ExitCodes.Usage;
            }

            Print(output, report, command.Switch);
            return report.Failures.Any() ? ExitCodes.Failed : ExitCodes.Success;
        }, cancellationToken));
        return sync;
    }

    private static StorageBackend Backend(string name) => name == "s3" ? StorageBackend.S3 : StorageBackend.Local;

    private static string Name(StorageBackend backend) => backend.ToString().ToLowerInvariant();

    private static void Print(CliOutput output, VideoStoreSyncReport report, bool switching)
    {
        var (from, to) = (Name(report.From), Name(report.To));
        if (report.DryRun)
        {
            foreach (var planned in report.Objects.Where(o => o.Outcome is SyncOutcome.WouldCopy or SyncOutcome.WouldReplace or SyncOutcome.WouldDelete))
            {
                output.Line($"{Verb(planned.Outcome)} {planned.Key}");
            }
        }

        string Count(SyncOutcome outcome) => report.Count(outcome).ToString(CultureInfo.InvariantCulture);
        List<IReadOnlyList<string>> rows =
        [
            [$"objects in {from}", report.SourceObjects.ToString(CultureInfo.InvariantCulture)],
            ["unchanged", Count(SyncOutcome.Unchanged)],
            .. report.DryRun
                ? new List<IReadOnlyList<string>>
                {
                    new[] { "would copy", Count(SyncOutcome.WouldCopy) },
                    new[] { "would replace", Count(SyncOutcome.WouldReplace) },
                    new[] { "would delete", Count(SyncOutcome.WouldDelete) },
                }
                : [["copied", Count(SyncOutcome.Copied)], ["replaced", Count(SyncOutcome.Replaced)], ["deleted", Count(SyncOutcome.Deleted)]],
            ["failed", Count(SyncOutcome.Failed)],
        ];
        if (switching)
        {
            rows.Add([report.DryRun ? $"rows that would move to {to}" : $"rows moved to {to}", report.RowsSwitched.ToString(CultureInfo.InvariantCulture)]);
            rows.Add([report.DryRun ? $"rows that would stay on {from}" : $"rows left on {from}", report.RowsLeft.ToString(CultureInfo.InvariantCulture)]);
        }

        output.Table($"media sync {from} → {to}{(report.DryRun ? " (dry run: nothing changed)" : string.Empty)}", ["", "count"], rows);
        var failures = report.Failures.ToList();
        if (failures.Count > 0)
        {
            output.Table("Failed", ["key", "why"], failures.Select(f => (IReadOnlyList<string>)[f.Key, f.Reason ?? string.Empty]));
            Console.Error.WriteLine($"error: {failures.Count} object(s) failed; run the same command again once their cause is fixed.");
        }
        else if (switching && !report.DryRun && report.RowsLeft > 0)
        {
            output.Line($"{report.RowsLeft} row(s) written during the run are still on {from}: run the same command again.");
        }
    }

    private static string Verb(SyncOutcome outcome) => outcome switch
    {
        SyncOutcome.WouldCopy => "would copy",
        SyncOutcome.WouldReplace => "would replace",
        _ => "would delete",
    };
}
