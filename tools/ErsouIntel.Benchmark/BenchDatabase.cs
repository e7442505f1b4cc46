using Npgsql;

namespace ErsouIntel.Benchmark;

/// <summary>The bench database: made afresh at the start of a run, dropped at the end unless kept.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string adminConnectionString;

    private BenchDatabase(string adminConnectionString, string name)
    {
        this.adminConnectionString = adminConnectionString;
        Name = name;
        var builder = new NpgsqlConnectionStringBuilder(adminConnectionString)
        {
            Database = name,
            // The COPY floor and the footprint queries may run long at 1M; a bound, not a hang.
            CommandTimeout = 3600,
        };
        ConnectionString = builder.ConnectionString;
        // The service's own connection string: the same, without the tool's long command timeout.
        ServiceConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public string ServiceConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Drops the database if it is there (closing its sessions) and creates it empty.</summary>
    public static async Task<BenchDatabase> CreateAsync(string adminConnectionString, string name, CancellationToken cancellation)
    {
        await using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            await admin.OpenAsync(cancellation);
            await using var drop = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", admin);
            await drop.ExecuteNonQueryAsync(cancellation);
            await using var create = new NpgsqlCommand($"create database \"{name}\"", admin);
            await create.ExecuteNonQueryAsync(cancellation);
            // Statements inside the link graph's functions too, for every session (the service's included): PhaseProfile.
            await using var track = new NpgsqlCommand($"alter database \"{name}\" set pg_stat_statements.track = 'all'", admin);
            try
            {
                await track.ExecuteNonQueryAsync(cancellation);
            }
            catch (PostgresException)
            {
                // pg_stat_statements is not loaded: the profiles say so.
            }
        }

        return new BenchDatabase(adminConnectionString, name);
    }

    /// <summary>A database a kept run loaded (<c>--reuse</c>), as it is.</summary>
    public static BenchDatabase Existing(string adminConnectionString, string name) => new(adminConnectionString, name);

    public async Task DropAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists \"{Name}\" with (force)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellation)
    {
        await using var command = DataSource.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync(cancellation);
        return value is T typed ? typed : throw new InvalidOperationException($"'{sql}' gave {value?.GetType().Name ?? "null"}, not {typeof(T).Name}.");
    }

    public async Task ExecuteAsync(string sql, CancellationToken cancellation)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellation);
    }

    public async ValueTask DisposeAsync() => await DataSource.DisposeAsync();
}
