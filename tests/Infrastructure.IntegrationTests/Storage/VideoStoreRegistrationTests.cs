using AbParts.Application.Common.Abstractions;
using AbParts.Domain.Media;
using AbParts.Infrastructure.Storage.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AbParts.Infrastructure.IntegrationTests.Storage;

/// <summary>
/// Which video stores the configuration gives the service: the one <c>Storage:Videos:Backend</c> names, and the
/// other one when its section is configured too, so rows <c>media sync --switch</c> moved are still read (ADR 0021).
/// </summary>
public sealed class VideoStoreRegistrationTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("abparts-video-stores-").FullName;
    private readonly List<ServiceProvider> _providers = [];

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        Directory.Delete(_dataDirectory, recursive: true);
    }

    private IServiceScope Services(string backend, string? bucket)
    {
        var provider = new ServiceCollection().AddLogging().AddInfrastructure(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Default"] = "Host=unused",
                ["ABPARTS_DATA_DIR"] = _dataDirectory,
                ["Storage:Videos:Backend"] = backend,
                ["Storage:Videos:S3:ServiceUrl"] = "http://127.0.0.1:9",
                ["Storage:Videos:S3:Bucket"] = bucket,
                ["Storage:Videos:S3:Region"] = "us-east-1",
            }).Build()).BuildServiceProvider();
        _providers.Add(provider);
        return provider.CreateScope();
    }

    [Theory]
    [InlineData("Local")]
    [InlineData("S3")]
    public void WithBothSectionsConfiguredTheServiceReadsBothStores(string backend)
    {
        using var scope = Services(backend, "videos-bucket");

        var stores = scope.ServiceProvider.GetRequiredService<IMediaStores>();
        var configured = scope.ServiceProvider.GetRequiredService<IVideoStores>();

        stores.Resolve(StorageBackend.Local).Backend.Should().Be(StorageBackend.Local);
        stores.Resolve(StorageBackend.S3).Should().BeOfType<S3MediaStore>().Which.Bucket.Should().Be("videos-bucket");
        configured.Find(StorageBackend.Local).Should().BeSameAs(stores.Resolve(StorageBackend.Local));
        configured.Find(StorageBackend.S3).Should().BeSameAs(stores.Resolve(StorageBackend.S3));
        configured.Find(StorageBackend.Postgres).Should().BeNull("PostgreSQL is not a video store");
    }

    [Fact]
    public void WithoutABucketTheLocalServiceHasNoS3Store()
    {
        using var scope = Services("Local", bucket: null);

        var resolve = () => scope.ServiceProvider.GetRequiredService<IMediaStores>().Resolve(StorageBackend.S3);

        resolve.Should().Throw<InvalidOperationException>();
        scope.ServiceProvider.GetRequiredService<IVideoStores>().Find(StorageBackend.S3).Should().BeNull();
    }

    [Fact]
    public void AnInvalidS3SectionBesideTheLocalStoreFailsAtStartUpNamingTheProblem()
    {
        using var scope = Services("Local", bucket: "Not_A_Bucket");

        var validate = () => scope.ServiceProvider.GetRequiredService<IStartupValidator>().Validate();

        validate.Should().Throw<OptionsValidationException>().WithMessage("*Storage:Videos:S3:Bucket*");
    }
}
