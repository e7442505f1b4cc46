using ErsouIntel.Api.Hosting;
using Npgsql;
using Testcontainers.PostgreSql;

namespace ErsouIntel.Api.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests run against, found once per test run:
/// <c>ERSOU_TEST_POSTGRES</c> when given, else a Testcontainers container when a Docker engine
/// answers, else a throwaway cluster of the machine's own binaries in <c>.local/postgres-test</c>.
/// When none can be had, every test that needs it fails with the reason; none is skipped.
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<Task<string>> Server = new(FindAsync);

    /// <summary>A connection string with rights to create databases.</summary>
    public static Task<string> AdminConnectionStringAsync() => Server.Value;

    /// <summary>Creates a database of its own for one test class and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string owner)
    {
        var admin = await AdminConnectionStringAsync();
        var name = $"t_{new string(owner.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(28).ToArray())}_{Guid.NewGuid():N}";
        await DevelopmentDatabase.EnsureDatabaseAsync(admin, name);
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 40 }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(await AdminConnectionStringAsync());
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists \"{database}\" with (force)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Rows of a query on one database, sorted, each as its columns joined by " | " (null as ∅, arrays comma-joined).</summary>
    public static async Task<List<string>> RowsAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "∅" : reader.GetValue(i) is Array a ? string.Join(',', a.Cast<object>()) : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static async Task<string> FindAsync()
    {
        var given = Environment.GetEnvironmentVariable("ERSOU_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(given))
        {
            return given;
        }

        var reasons = new List<string>();
        try
        {
            var container = new PostgreSqlBuilder("postgres:17-alpine").Build();
            await container.StartAsync();
            // Stopped by Testcontainers' resource reaper when the test run ends.
            return container.GetConnectionString();
        }
        catch (Exception e) when (e is DotNet.Testcontainers.Builders.DockerUnavailableException or InvalidOperationException or ArgumentException or TimeoutException)
        {
            reasons.Add($"Testcontainers: {e.Message.Split('\n')[0]}");
        }

        try
        {
            var root = RepositoryRoot.Find() ?? throw new InvalidOperationException("the repository root (ErsouIntel.sln) was not found above " + AppContext.BaseDirectory);
            if (OperatingSystem.IsWindows())
            {
                throw new PlatformNotSupportedException("the local cluster runs on Linux only");
            }

            return await LocalPostgres.EnsureRunningAsync(Path.Combine(root, ".local", "postgres-test"), Console.Out, forTests: true);
        }
        catch (Exception e) when (e is InvalidOperationException or PlatformNotSupportedException or IOException or System.ComponentModel.Win32Exception or NpgsqlException)
        {
            reasons.Add($"local cluster: {e.Message}");
        }

        throw new InvalidOperationException(
            "No PostgreSQL for the tests. Set ERSOU_TEST_POSTGRES to a connection string with CREATEDB rights, " +
            "start a Docker engine, or install PostgreSQL (Debian package 'postgresql'). Tried: " + string.Join("; ", reasons));
    }
}
