using Npgsql;

namespace AbParts.WebApi.FunctionalTests.Faults;

/// <summary>
/// A PostgreSQL cluster of one test class's own, made, started and stopped by build/lib.sh's <c>pg_init</c>,
/// <c>pg_start</c> and <c>pg_stop</c>, so that a test may stop it without touching the cluster every other test
/// shares. It starts again on the same data folder and port, so a connection string made before a stop stays valid.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _server;

    private PostgresCluster(string folder, string server) => (_folder, _server) = (folder, server);

    /// <summary>A connection string for the <c>abparts</c> superuser on the <c>postgres</c> database.</summary>
    public string ServerConnectionString => _server;

    /// <summary>Makes a cluster in a new folder under /tmp, where the postgres user can reach it (as for build/test.sh's), and starts it.</summary>
    public static async Task<PostgresCluster> StartNewAsync()
    {
        var folder = Path.Combine("/tmp", $"abparts-pg-{Guid.NewGuid():N}");
        var server = await BuildLib.RunAsync("pg_init \"$1\" && pg_start \"$1\" && pg_conn_string \"$1\" postgres", folder);
        return new PostgresCluster(folder, server);
    }

    /// <summary>
    /// Starts the cluster unless it runs, and waits until it accepts connections. The connections this process pooled
    /// before a stop are closed, so that the test's own queries do not meet them; the service's are its own affair.
    /// </summary>
    public async Task StartAsync()
    {
        var server = await BuildLib.RunAsync("pg_start \"$1\" && pg_conn_string \"$1\" postgres", _folder);
        if (new NpgsqlConnectionStringBuilder(server).Port != new NpgsqlConnectionStringBuilder(_server).Port)
        {
            // pg_start moves to a free port when another process took the cluster's port while it was stopped.
            throw new InvalidOperationException($"The cluster came back on another port ({server}); the service's connection string is stale.");
        }

        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Stops the cluster (fast shutdown: open sessions are ended) and waits until it is down.</summary>
    public Task StopAsync() => BuildLib.RunAsync("pg_stop \"$1\"", _folder);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
