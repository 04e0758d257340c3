using AbParts.Application.Common.Abstractions;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AbParts.Infrastructure.Storage.S3;

internal static class S3ServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="S3MediaStore"/> as an <see cref="IMediaStore"/> (a singleton, like its
    /// <see cref="IAmazonS3"/> client), with <see cref="S3StorageOptions"/> bound from
    /// <c>Storage:Videos:S3</c> and validated at start-up.
    /// </summary>
    internal static IServiceCollection AddS3MediaStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<S3StorageOptions>()
            .Bind(configuration.GetSection(S3StorageOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<S3StorageOptions>, S3StorageOptionsValidator>());
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IAmazonS3>(provider =>
            S3ClientFactory.Create(provider.GetRequiredService<IOptions<S3StorageOptions>>().Value));
        services.AddSingleton<S3MediaStore>();
        services.AddSingleton<IMediaStore>(provider => provider.GetRequiredService<S3MediaStore>());
        return services;
    }
}
