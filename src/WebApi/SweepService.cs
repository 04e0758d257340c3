using AbParts.Application.Common.Abstractions;
using AbParts.Application.Storage;
using MediatR;
using Microsoft.Extensions.Options;

namespace AbParts.WebApi;

/// <summary>Runs the orphan sweep every <c>Storage:Sweep:Interval</c> while the service runs (zero turns it off).</summary>
internal sealed partial class SweepService(IServiceScopeFactory scopes, IOptions<SweepOptions> options,
    ILogger<SweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Interval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var report = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new SweepOrphansCommand(), stoppingToken);
                LogSwept(logger, report.SpooledFiles, report.VideoObjects, report.ImageObjects, report.FileObjects);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFailed(logger, exception); // the next tick tries again
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Sweep removed {SpooledFiles} spooled upload(s), {VideoObjects} video object(s), {ImageObjects} image object(s), {FileObjects} chat file object(s)")]
    private static partial void LogSwept(ILogger logger, int spooledFiles, int videoObjects, int imageObjects,
        int fileObjects);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweep failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
