using Npgsql;

namespace AbParts.Tests.Support;

/// <summary>
/// A database of its own on the throwaway PostgreSQL that ./build/test.sh starts (or on another server a test
/// brings), dropped on dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string ServerVariable = "ABPARTS_TEST_POSTGRES";

    private readonly string _server;

    private TestDatabase(string server, string name, string connectionString)
    {
        _server = server;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>The superuser connection to the test server, from <see cref="ServerVariable"/>.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ServerVariable} is not set. These tests need a real PostgreSQL: run ./build/test.sh, " +
                "which starts a throwaway cluster and sets it.");

    /// <summary>Names a fresh database; <paramref name="create"/> false leaves creating it to the code under test.</summary>
    /// <param name="server">A superuser connection to the server; <see cref="ServerConnectionString"/> when not given.</param>
    public static async Task<TestDatabase> CreateAsync(bool create = true, string? server = null)
    {
        server ??= ServerConnectionString;
        var name = $"t_{Guid.NewGuid():N}";
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        if (create)
        {
            await ExecuteOnServerAsync(server, $"CREATE DATABASE \"{name}\"");
        }

        return new TestDatabase(server, name, builder.ConnectionString);
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public async Task<IReadOnlyList<string>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : reader.GetValue(i).ToString())));
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteOnServerAsync(_server, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }

    private static async Task ExecuteOnServerAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
