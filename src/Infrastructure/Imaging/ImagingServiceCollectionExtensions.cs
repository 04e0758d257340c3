using AbParts.Application.Common.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace AbParts.Infrastructure.Imaging;

internal static class ImagingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="VipsImageProcessor"/> as the singleton <see cref="IImageProcessor"/>. libvips is
    /// initialised and hardened when the processor is first resolved; it needs only logging.
    /// </summary>
    internal static IServiceCollection AddVipsImaging(this IServiceCollection services)
    {
        services.AddLogging();
        services.AddSingleton<IImageProcessor, VipsImageProcessor>();
        return services;
    }
}
