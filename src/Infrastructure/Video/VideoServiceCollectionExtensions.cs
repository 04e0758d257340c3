using AbParts.Application.Common.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AbParts.Infrastructure.Video;

internal static class VideoServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="FfmpegVideoProbe"/> as the singleton <see cref="IVideoProbe"/>, running Debian's
    /// ffprobe and ffmpeg from <c>PATH</c> (<see cref="FfmpegTools.Debian"/>). It needs only logging.
    /// </summary>
    internal static IServiceCollection AddFfmpegVideoProbe(this IServiceCollection services)
    {
        services.AddLogging();
        services.AddSingleton<IVideoProbe>(provider => new FfmpegVideoProbe(
            provider.GetRequiredService<ILogger<FfmpegVideoProbe>>(), FfmpegTools.Debian));
        return services;
    }
}
