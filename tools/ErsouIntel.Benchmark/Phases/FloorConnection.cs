using System.Diagnostics;
using Npgsql;
using static ErsouIntel.Benchmark.Invariant;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>
/// A plain connection for the floors: no GraphQL, no sign-in, no access log; each statement bounded by
/// the service's own execution timeout (past it a floor question counts as that long and its answer is
/// not compared), JIT off as in the service's link-graph functions (a recursive term's estimated cost
/// made PostgreSQL JIT-compile each statement: 2.7 s of a 2.9 s question at 1M).
/// </summary>
internal sealed class FloorConnection : IAsyncDisposable
{
    public const int TimeoutSeconds = 30;

    private readonly NpgsqlConnection connection;
    private readonly Dictionary<string, NpgsqlCommand> prepared = new(StringComparer.Ordinal);

    private FloorConnection(NpgsqlConnection connection) => this.connection = connection;

    public static async Task<FloorConnection> OpenAsync(BenchDatabase db, CancellationToken cancellation)
    {
        var connection = await db.DataSource.OpenConnectionAsync(cancellation);
        await using (var bound = new NpgsqlCommand(Inv($"set statement_timeout = '{TimeoutSeconds}s'; set jit = off"), connection))
        {
            await bound.ExecuteNonQueryAsync(cancellation);
        }

        return new FloorConnection(connection);
    }

    /// <summary>
    /// The statement, prepared once per text (server-side, as a service's pooled statements are), with
    /// the parameters set from <paramref name="parameters"/> (names and values; every name of a text
    /// must be given each time).
    /// </summary>
    public async Task<NpgsqlCommand> CommandAsync(string sql, IReadOnlyList<(string Name, object Value)> parameters, CancellationToken cancellation)
    {
        if (!prepared.TryGetValue(sql, out var command))
        {
            // The server's statement_timeout bounds each question; this only stops a hang on the client's side.
            command = new NpgsqlCommand(sql, connection) { CommandTimeout = TimeoutSeconds + 30 };
            foreach (var (name, value) in parameters)
            {
                command.Parameters.Add(value switch
                {
                    int i => new NpgsqlParameter<int>(name, i),
                    bool b => new NpgsqlParameter<bool>(name, b),
                    _ => new NpgsqlParameter<string>(name, (string)value),
                });
            }

            await command.PrepareAsync(cancellation);
            prepared[sql] = command;
        }

        foreach (var (name, value) in parameters)
        {
            command.Parameters[name].Value = value;
        }

        return command;
    }

    /// <summary>Runs a statement, handing each row to <paramref name="row"/>; the time to the last row, and false when it passed the timeout.</summary>
    public static async Task<(double Ms, bool Done)> TimedAsync(NpgsqlCommand command, Action<NpgsqlDataReader> row, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                row(reader);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.QueryCanceled)
        {
            return (clock.Elapsed.TotalMilliseconds, false);
        }

        return (clock.Elapsed.TotalMilliseconds, true);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in prepared.Values)
        {
            await command.DisposeAsync();
        }

        await connection.DisposeAsync();
    }
}
