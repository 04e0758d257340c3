using System.CommandLine;
using AbParts.Application.Storage;
using MediatR;

namespace AbParts.WebApi.Cli;

/// <summary><c>media sweep</c>.</summary>
internal static class MediaCommands
{
    public static Command Create()
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
        return new Command("media", "Media store maintenance.") { sweep };
    }
}
