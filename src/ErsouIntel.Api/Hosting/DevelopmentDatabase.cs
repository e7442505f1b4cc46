using Npgsql;

namespace ErsouIntel.Api.Hosting;

/// <summary>
/// Where the run command finds PostgreSQL: <c>ConnectionStrings:Postgres</c> when set,
/// otherwise a local throwaway cluster in the repository's git-ignored <c>.local/</c> folder.
/// </summary>
public static class DevelopmentDatabase
{
    public const string DatabaseName = "ersou_intel";

    /// <param name="development">Only the developer loop gets a cluster of its own: anywhere else a missing
    /// connection string is a mistake to name, not a reason to start a database beside the service.</param>
    public static async Task<string> ResolveAsync(IConfiguration configuration, TextWriter log, bool development = true, CancellationToken cancellation = default)
    {
        var configured = configuration.GetConnectionString("Postgres");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        if (!development)
        {
            throw new InvalidOperationException(
                "ConnectionStrings:Postgres is not set (environment variable ConnectionStrings__Postgres); outside Development the service starts no database of its own.");
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Set ConnectionStrings:Postgres; the local cluster is started on Linux only.");
        }

        var root = RepositoryRoot.Find()
            ?? throw new InvalidOperationException(
                "ConnectionStrings:Postgres is not set and no repository checkout was found to hold a local cluster. " +
                "Set ConnectionStrings__Postgres.");
        var admin = await LocalPostgres.EnsureRunningAsync(Path.Combine(root, ".local", "postgres"), log, forTests: false, cancellation: cancellation);
        await EnsureDatabaseAsync(admin, DatabaseName, cancellation);
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = DatabaseName }.ConnectionString;
        log.WriteLine($"ConnectionStrings:Postgres was not set; using database '{DatabaseName}' on the local cluster.");
        return connectionString;
    }

    /// <summary>Creates <paramref name="database"/> on the server behind <paramref name="adminConnectionString"/> unless it exists.</summary>
    public static async Task EnsureDatabaseAsync(string adminConnectionString, string database, CancellationToken cancellation = default)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(cancellation);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", connection);
        exists.Parameters.AddWithValue(database);
        if (await exists.ExecuteScalarAsync(cancellation) is not null)
        {
            return;
        }

        // Identifiers cannot be parameters; the name is ours, quoted to be safe all the same.
        await using var create = new NpgsqlCommand($"create database \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        await create.ExecuteNonQueryAsync(cancellation);
    }
}
