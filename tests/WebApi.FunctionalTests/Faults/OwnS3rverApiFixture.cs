namespace AbParts.WebApi.FunctionalTests.Faults;

/// <summary>The service with videos in a bucket on an s3rver of its own, which its tests stop and start.</summary>
public sealed class OwnS3rverApiFixture : S3ApiFixture
{
    private S3rver? _s3rver;

    public S3rver S3rver => _s3rver ?? throw new InvalidOperationException("The s3rver has not started.");

    protected override S3Endpoint Endpoint => new(S3rver.Url, S3rver.AccessKey, S3rver.SecretKey);

    protected override async Task PrepareAsync()
    {
        _s3rver = await S3rver.StartNewAsync();
        await base.PrepareAsync();
    }

    public override async Task DisposeAsync()
    {
        await using (_s3rver)
        {
            await base.DisposeAsync();
        }
    }
}
