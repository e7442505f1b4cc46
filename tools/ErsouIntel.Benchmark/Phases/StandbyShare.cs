using Npgsql;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>One statement the standby ran in the window, with its calls there and on the primary (the same queryid).</summary>
internal sealed record SharedStatement(string Query, long StandbyCalls, long PrimaryCalls, bool TopLevel);

/// <summary>
/// The standby's share of the questions' reads over one window: every statement the standby ran (the replica monitor's
/// probes and this tool's own left out), its calls there and, by the same queryid, on the primary.
/// <paramref name="Share"/> = standby / (standby + primary). <paramref name="TopLevelShare"/> counts only the statements
/// the service sent itself (track = all also counts those inside functions, which the primary's ingest may run too).
/// The access log: entries the primary wrote in the window, by operation.
/// </summary>
internal sealed record StandbyShareResult(
    long StandbyCalls, long PrimaryCalls, double? Share, long TopLevelStandbyCalls, long TopLevelPrimaryCalls, double? TopLevelShare,
    IReadOnlyList<SharedStatement> Statements, long AccessLogEntries, IReadOnlyDictionary<string, long> AccessLogByOperation);

/// <summary>
/// Reads pg_stat_statements on both servers. A physical standby has the primary's catalog, OIDs included, so one
/// statement has one queryid on both. Reset both just before the window (<see cref="ResetAsync"/>), read both after it.
/// </summary>
internal static class StandbyShare
{
    // The replica monitor's probes (ReplicaMonitor: the standby probe runs on every host) and this tool's own statements;
    // and commands that read nothing, which every connection runs on both servers alike (Npgsql's DISCARD ALL when a
    // pooled connection is returned: in a smoke run half of all calls, hiding the reads).
    private const string NotTheService =
        "query not like '%pg_is_in_recovery()%' and query not like '%pg_current_wal_lsn()%' and query not like '%pg_stat_statements%' and " +
        "query !~* '^\\s*(discard|begin|start|commit|end|rollback|set|reset|show|deallocate|close|savepoint|release)\\M'";

    public static async Task ResetAsync(string connectionString, CancellationToken cancellation)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellation);
        await using var reset = new NpgsqlCommand("select pg_stat_statements_reset()", connection);
        await reset.ExecuteNonQueryAsync(cancellation);
    }

    /// <summary>The access log's newest sequence (0 when empty): entries after it are the window's.</summary>
    public static async Task<long> LogHeadAsync(BenchDatabase db, CancellationToken cancellation) =>
        await db.ScalarAsync<long>("select coalesce(max(sequence), 0)::bigint from ersou.access_log", cancellation);

    public static async Task<StandbyShareResult> MeasureAsync(string standby, BenchDatabase primary, long logHead, CancellationToken cancellation)
    {
        var onStandby = await CallsAsync(standby, null, cancellation);
        var onPrimary = await CallsAsync(primary.ConnectionString, onStandby.Keys.Select(k => k.QueryId).Distinct().ToArray(), cancellation);
        var statements = onStandby
            .Select(s => new SharedStatement(s.Value.Query, s.Value.Calls, onPrimary.TryGetValue(s.Key, out var p) ? p.Calls : 0, s.Key.TopLevel))
            .OrderByDescending(s => s.StandbyCalls + s.PrimaryCalls)
            .ToList();
        var (standbyCalls, primaryCalls) = (statements.Sum(s => s.StandbyCalls), statements.Sum(s => s.PrimaryCalls));
        var top = statements.Where(s => s.TopLevel).ToList();
        var (topStandby, topPrimary) = (top.Sum(s => s.StandbyCalls), top.Sum(s => s.PrimaryCalls));

        var byOperation = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var command = primary.DataSource.CreateCommand(
            "select coalesce(operation, '(none)') || ' (' || kind || ')', count(*) from ersou.access_log where sequence > $1 group by 1 order by 2 desc"))
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = logHead });
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                byOperation[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        return new StandbyShareResult(
            standbyCalls, primaryCalls, Share(standbyCalls, primaryCalls), topStandby, topPrimary, Share(topStandby, topPrimary),
            statements.Take(20).ToList(), byOperation.Values.Sum(), byOperation);
    }

    private static double? Share(long standby, long primary) => standby + primary == 0 ? null : (double)standby / (standby + primary);

    /// <summary>Calls per (queryid, toplevel) in the connection's database; only these queryids when given.</summary>
    private static async Task<Dictionary<(long QueryId, bool TopLevel), (string Query, long Calls)>> CallsAsync(string connectionString, long[]? only, CancellationToken cancellation)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(
            "select queryid, toplevel, regexp_replace(query, '\\s+', ' ', 'g'), calls from pg_stat_statements " +
            "where dbid = (select oid from pg_database where datname = current_database()) and queryid is not null and " + NotTheService +
            (only is null ? "" : " and queryid = any($1)"), connection);
        if (only is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = only });
        }

        var calls = new Dictionary<(long, bool), (string, long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var text = reader.GetString(2);
            // The same statement under several users would show once per user: add them up.
            var key = (reader.GetInt64(0), reader.GetBoolean(1));
            var before = calls.GetValueOrDefault(key);
            calls[key] = (text.Length > 160 ? text[..160] + "…" : text, before.Item2 + reader.GetInt64(3));
        }

        return calls;
    }
}
