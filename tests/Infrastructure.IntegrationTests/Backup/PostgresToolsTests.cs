using AbParts.Application.Backups;
using AbParts.Infrastructure.Backup;
using Npgsql;

namespace AbParts.Infrastructure.IntegrationTests.Backup;

/// <summary>
/// What pg_dump and pg_restore are started with, seen by /bin/sh standing in for pg_dump in <c>Backup:PostgresBin</c>:
/// it prints its environment to stderr and fails, so that the message shows it.
/// </summary>
public sealed class PostgresToolsTests : IDisposable
{
    /// <summary>A PG-prefixed variable no library reads, standing for an operator's PGDATABASE or PGSERVICE.</summary>
    private const string Inherited = "PGABPARTS_OPERATOR_SETTING";

    private readonly string _folder = Directory.CreateTempSubdirectory("abparts-pgbin-").FullName;

    public PostgresToolsTests()
    {
        File.CreateSymbolicLink(Path.Combine(_folder, "pg_dump"), "/bin/sh");
        Environment.SetEnvironmentVariable(Inherited, "redirect-me");
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(Inherited, null);
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task AProgramSeesTheConnectionsLibpqVariablesAndNoPgVariableOfItsParent()
    {
        var tools = new PostgresTools(new BackupOptions { PostgresBin = _folder });
        var connection = new NpgsqlConnectionStringBuilder("Host=db.internal;Port=6543;Username=media;Password=pw;Database=abparts");

        var running = () => tools.RunAsync("pg_dump", ["-c", "env | grep '^PG' | sort >&2; exit 3"], connection,
            CancellationToken.None);

        var failure = await running.Should().ThrowAsync<DatabaseToolException>();
        failure.Which.Message.Should().StartWith("pg_dump failed (exit code 3): ")
            .And.Contain("PGHOST=db.internal").And.Contain("PGPORT=6543").And.Contain("PGAPPNAME=abparts-backup")
            .And.NotContain(Inherited);
    }
}
