namespace AbParts.WebApi.FunctionalTests.Faults;

/// <summary>
/// The service on a PostgreSQL cluster of its own, which its tests stop and start. Security stamps are kept for a
/// minute, the most allowed: an upload sent while the database is down then passes authentication on the stamp read
/// just before and reaches the media work, so what it stores before the database refuses it is put to the test.
/// </summary>
public sealed class OwnPostgresApiFixture : ApiFixture
{
    private PostgresCluster? _cluster;

    public PostgresCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    protected override string DatabaseServer => Cluster.ServerConnectionString;

    protected override IEnumerable<string> ExtraArguments => ["--Auth:Jwt:SecurityStampCacheDuration=00:01:00"];

    protected override async Task PrepareAsync() => _cluster = await PostgresCluster.StartNewAsync();

    public override async Task DisposeAsync()
    {
        await using (_cluster)
        {
            // A failed test may have left it stopped: the service's database is dropped through it.
            await (_cluster?.StartAsync() ?? Task.CompletedTask);
            await base.DisposeAsync();
        }
    }
}
