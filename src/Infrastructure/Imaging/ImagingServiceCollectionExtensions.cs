using AbParts.Application.Common.Abstractions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AbParts.Infrastructure.Imaging;

internal static class ImagingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="IImageProcessor"/> that <c>Images:Isolation</c> chooses: the worker pool
    /// (default, also started and stopped with the host) or the pipeline in process.
    /// </summary>
    internal static IServiceCollection AddImaging(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(ImageOptions.SectionName);
        services.AddOptions<ImageWorkerOptions>().Bind(section)
            .Validate(o => o.IsValid(), ImageWorkerOptions.Rule)
            .ValidateOnStart();
        if ((section.Get<ImageWorkerOptions>() ?? new ImageWorkerOptions()).Isolation == ImageIsolation.InProcess)
        {
            services.AddSingleton<IImageProcessor, InProcessImageProcessor>();
            return services;
        }

        services.AddSingleton<ImagingMetrics>();
        services.AddSingleton<WorkerPoolImageProcessor>();
        services.AddSingleton<IImageProcessor>(provider => provider.GetRequiredService<WorkerPoolImageProcessor>());
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<WorkerPoolImageProcessor>());
        return services;
    }
}
