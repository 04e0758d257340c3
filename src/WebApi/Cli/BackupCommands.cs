using AbParts.Application.Common.Abstractions;
using System.CommandLine;
using System.Globalization;
using AbParts.Application.Backups;
using MediatR;

namespace AbParts.WebApi.Cli;

/// <summary><c>backup create --out DIR [--keep N]</c>, <c>backup restore --from DIR</c>, <c>backup verify --from DIR</c>.</summary>
internal static class BackupCommands
{
    public static Command Create() => new("backup", "Back up, verify and restore the database and the video store.")
    {
        CreateBackup(), VerifyBackup(), RestoreBackup(),
    };

    private static Command CreateBackup()
    {
        var output = new Option<string>("--out")
        {
            Description = "The folder that keeps the backups; each run adds a folder abparts-<UTC time> to it.",
            Required = true,
        };
        var keep = new Option<int?>("--keep") { Description = "Then delete the older complete backups there beyond the newest N." };
        var create = new Command("create",
            "Dump the database (pg_dump, custom format) and copy the video store's objects into a new backup folder, " +
            "with a manifest of every object's size and SHA-256, written last.") { output, keep };
        create.Validators.Add(result =>
        {
            if (result.GetValue(keep) is < 1)
            {
                result.AddError("--keep: keep at least 1 backup.");
            }
        });
        create.SetAction((parse, cancellationToken) => RunAsync(async (mediator, cli, ct) =>
        {
            var result = await mediator.Send(new CreateBackupCommand(parse.GetValue(output)!, parse.GetValue(keep)), ct);
            cli.Table($"Backup {result.Path}", ["what", "count", "bytes"],
            [
                ["database dump", "1", Bytes(result.Database.Size)],
                ["video-store objects", Count(result.Objects), Bytes(result.ObjectBytes)],
                ["older backups deleted", Count(result.Pruned.Count), string.Join(", ", result.Pruned)],
            ]);
            return Finish(cli, result.Failures, $"Backup written to {result.Path}.");
        }, cancellationToken));
        return create;
    }

    private static Command VerifyBackup()
    {
        var from = FromOption("The backup folder to verify, or a folder of backups (the newest complete one is verified).");
        var verify = new Command("verify",
            "Recompute every SHA-256 of a backup against its manifest, restore its dump into a temporary database and " +
            "check that every stored image decodes and every row's object is in the backup. Changes nothing.") { from };
        verify.SetAction((parse, cancellationToken) => RunAsync(async (mediator, cli, ct) =>
        {
            var result = await mediator.Send(new VerifyBackupCommand(parse.GetValue(from)!), ct);
            cli.Table($"Verified {result.Path} (made {Time(result.CreatedAt)})", ["check", "checked", "failed"],
                result.Checks.Select(c => (IReadOnlyList<string>)[c.What, Count(c.Checked), Count(c.Failed)]));
            return Finish(cli, result.Failures, "The backup is whole.");
        }, cancellationToken));
        return verify;
    }

    private static Command RestoreBackup()
    {
        var from = FromOption("The backup folder to restore, or a folder of backups (the newest complete one is restored).");
        var restore = new Command("restore",
            "Restore a backup into an empty database (created if missing) and an empty video store: the dump with " +
            "pg_restore, then every object, each checked against its SHA-256. Refuses a database with tables or a store with objects.")
        {
            from,
        };
        restore.SetAction((parse, cancellationToken) => RunAsync(async (mediator, cli, ct) =>
        {
            var result = await mediator.Send(new RestoreBackupCommand(parse.GetValue(from)!), ct);
            cli.Table($"Restored {result.Path} (made {Time(result.CreatedAt)})", ["what", "count", "bytes"],
            [
                ["database", result.Restored ? result.Database : "not restored", string.Empty],
                ["video-store objects", Count(result.Objects), Bytes(result.ObjectBytes)],
            ]);
            return Finish(cli, result.Failures,
                $"Restored into database {result.Database}. Run 'db migrate' if this version is newer than the backup's.");
        }, cancellationToken));
        return restore;
    }

    private static Option<string> FromOption(string description) => new("--from") { Description = description, Required = true };

    /// <summary>Runs a backup use case with this terminal's progress bars (plain lines when not on a terminal).</summary>
    private static Task<int> RunAsync(Func<IMediator, CliOutput, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        var cli = CliOutput.ForConsole();
        return CommandLine.RunWithServicesAsync(
            async (services, ct) =>
            {
                try
                {
                    return await action(services.GetRequiredService<IMediator>(), cli, ct);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // A folder that cannot be written or read (full disk, permissions): said in one line.
                    await Console.Error.WriteLineAsync($"error: {e.Message}");
                    return ExitCodes.Failed;
                }
            },
            cancellationToken,
            (services, _) => services.AddSingleton<IWorkProgress>(cli));
    }

    /// <summary>Names each failure (a table on stdout, one line each on stderr) and gives the exit code.</summary>
    private static int Finish(CliOutput cli, IReadOnlyList<BackupFailure> failures, string success)
    {
        if (failures.Count == 0)
        {
            cli.Line(success);
            return ExitCodes.Success;
        }

        cli.Table($"{failures.Count} failure(s)", ["item", "problem"], failures.Select(f => (IReadOnlyList<string>)[f.Item, f.Problem]));
        foreach (var failure in failures)
        {
            Console.Error.WriteLine($"failed: {failure.Item}: {failure.Problem}");
        }

        return ExitCodes.Failed;
    }

    private static string Count(int count) => count.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.0} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
