using System.ComponentModel;
using System.Globalization;
using AbParts.Application.Backups;
using AbParts.Infrastructure.Processes;
using Npgsql;

namespace AbParts.Infrastructure.Backup;

/// <summary><c>Backup</c>: where PostgreSQL's client programs are.</summary>
public sealed class BackupOptions
{
    public const string SectionName = "Backup";

    /// <summary>
    /// The folder of <c>pg_dump</c> and <c>pg_restore</c>. Empty: the newest <c>/usr/lib/postgresql/&lt;version&gt;/bin</c>
    /// (Debian's layout; pg_dump must be at least as new as the server), else the programs on <c>PATH</c>.
    /// </summary>
    public string PostgresBin { get; set; } = string.Empty;
}

/// <summary>
/// Runs pg_dump and pg_restore through <see cref="ChildProcess"/> (arguments one by one, no shell, stdin closed, the
/// process tree killed on cancellation), with the connection given as libpq environment variables made from the Npgsql
/// connection string (so the password never appears on a command line, where other local users could read it) and
/// the end of stderr kept for the message when the program fails.
/// </summary>
internal sealed class PostgresTools(BackupOptions options)
{
    /// <summary>How much of stderr (its end, where the cause is) is kept for the message.</summary>
    private const int MaxErrorBytes = 8 * 1024;

    private const string DebianRoot = "/usr/lib/postgresql";

    public string PathOf(string program)
    {
        if (!string.IsNullOrWhiteSpace(options.PostgresBin))
        {
            return Path.Combine(options.PostgresBin, program);
        }

        var newest = Directory.Exists(DebianRoot)
            ? Directory.EnumerateDirectories(DebianRoot)
                .Select(d => (Folder: d, Version: int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(d => d.Version >= 0 && File.Exists(Path.Combine(d.Folder, "bin", program)))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Folder, "bin", program))
                .FirstOrDefault()
            : null;
        return newest ?? program;
    }

    /// <summary>The libpq environment (<c>PGHOST</c>, <c>PGPORT</c>, <c>PGUSER</c>, <c>PGPASSWORD</c>, TLS settings…) for a connection.</summary>
    public static Dictionary<string, string> Environment(NpgsqlConnectionStringBuilder connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PGPORT"] = connection.Port.ToString(CultureInfo.InvariantCulture),
            ["PGAPPNAME"] = "abparts-backup",
            ["PGSSLMODE"] = connection.SslMode switch
            {
                SslMode.Disable => "disable",
                SslMode.Allow => "allow",
                SslMode.Prefer => "prefer",
                SslMode.Require => "require",
                SslMode.VerifyCA => "verify-ca",
                SslMode.VerifyFull => "verify-full",
                _ => "prefer",
            },
        };
        Add(environment, "PGHOST", connection.Host);
        Add(environment, "PGUSER", connection.Username);
        Add(environment, "PGPASSWORD", connection.Password);
        Add(environment, "PGPASSFILE", connection.Passfile);
        Add(environment, "PGSSLROOTCERT", connection.RootCertificate);
        Add(environment, "PGSSLCERT", connection.SslCertificate);
        Add(environment, "PGSSLKEY", connection.SslKey);
        if (connection.Timeout > 0)
        {
            environment["PGCONNECT_TIMEOUT"] = connection.Timeout.ToString(CultureInfo.InvariantCulture);
        }

        return environment;
    }

    /// <summary>A libpq connection string that names only the database; the rest comes from <see cref="Environment"/>.</summary>
    public static string DatabaseArgument(string database) =>
        $"dbname='{database.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("'", @"\'", StringComparison.Ordinal)}'";

    /// <exception cref="DatabaseToolException">The program could not be started or exited with an error.</exception>
    public async Task RunAsync(string program, IReadOnlyList<string> arguments, NpgsqlConnectionStringBuilder connection,
        CancellationToken cancellationToken)
    {
        var executable = PathOf(program);
        var run = new ChildProcessStart(executable, arguments)
        {
            MaxErrorBytes = MaxErrorBytes,
            Environment = inherited =>
            {
                // Only what the connection string says: an operator's PGDATABASE or PGSERVICE must not redirect the tool.
                foreach (var name in inherited.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
                {
                    inherited.Remove(name);
                }

                foreach (var (name, value) in Environment(connection))
                {
                    inherited[name] = value;
                }
            },
        };

        ChildProcessResult result;
        try
        {
            result = await ChildProcess.RunAsync(run, cancellationToken);
        }
        catch (Win32Exception e)
        {
            throw new DatabaseToolException(
                $"{executable} could not be started ({e.Message}). Install PostgreSQL's client programs (Debian: apt-get " +
                "install postgresql-client, as new as the server), or set Backup:PostgresBin to their folder.", e);
        }
        catch (ChildProcessLimitException e)
        {
            throw new DatabaseToolException($"{program} failed: {e.Message}.", e);
        }

        var stderr = result.Errors.Trim();
        if (result.ExitCode != 0)
        {
            throw new DatabaseToolException(string.Create(CultureInfo.InvariantCulture,
                $"{program} failed (exit code {result.ExitCode}): {(stderr.Length > 0 ? stderr : "it printed nothing")}"));
        }
    }

    private static void Add(Dictionary<string, string> environment, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            environment[name] = value;
        }
    }
}
