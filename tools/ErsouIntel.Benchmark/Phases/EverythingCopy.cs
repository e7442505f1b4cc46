using System.Diagnostics;
using Npgsql;
using Spectre.Console;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>One table's share of the complete floor: the rows the import added to it, and what their copy holds on disk (table and indexes).</summary>
internal sealed record TableCopy(string Table, long Rows, long Bytes, double Seconds);

/// <summary>The complete floor under the import: every row it left behind, written again with binary COPY.</summary>
internal sealed record EverythingCopyResult(long Incidents, IReadOnlyList<TableCopy> Tables, double Seconds, double PerSecond);

/// <summary>
/// The floor under the import, complete: RawCopy's floor is its events alone, but the import also writes
/// the link graph and the access log, and a ratio against the events only would call that work overhead.
/// Here every row the import added (its streams and events as RawCopy takes them, and the rows of the
/// link graph's and the access log's tables that were not there before it) is read back and written with
/// binary COPY into empty copies of those tables, with the same indexes (the GIN one on li_links
/// included), in one transaction; only the COPY and the commit are timed. What was there before is told
/// apart by each table's primary key, recorded before the import in bench-owned tables (the API part is
/// ~30,000 incidents, so that record is small). Rows the import changed rather than added (a match
/// widened) are not counted: it wrote them, the floor does not.
/// </summary>
internal static class EverythingCopy
{
    private const string Schema = "bench_full";
    private const int ChunkRows = 20_000;

    /// <summary>The tables, in the order they are copied (streams before the events that refer to them). Those a service does not have are left out.</summary>
    private static readonly string[] Tables =
    [
        "mt_streams", "mt_events",
        "li_incidents", "li_entities", "li_entity_keys", "li_links", "li_matches", "li_match_incidents", "li_load_pending",
        "access_log", "access_log_tree",
    ];

    /// <summary>Before the import: each table's primary key values, in <c>bench_full.before_&lt;table&gt;</c>.</summary>
    public static async Task RecordBeforeAsync(BenchDatabase db, CancellationToken cancellation)
    {
        await db.ExecuteAsync($"drop schema if exists {Schema} cascade; create schema {Schema}", cancellation);
        foreach (var table in await PresentAsync(db, cancellation))
        {
            if (table is "mt_streams" or "mt_events")
            {
                // These go by event sequence, as RawCopy's: the boundary is recorded by the caller.
                continue;
            }

            var key = await PrimaryKeyAsync(db, table, cancellation);
            await db.ExecuteAsync($"create table {Schema}.before_{table} as select {string.Join(", ", key.Select(BinaryRows.Quote))} from ersou.{table}", cancellation);
        }
    }

    /// <summary>
    /// After the import: the rows it added (events with <c>after &lt; seq_id &lt;= upTo</c> and their streams; elsewhere
    /// rows whose key was not there before), copied; then the bench tables are dropped so they do not count in the footprint.
    /// </summary>
    public static async Task<EverythingCopyResult> RunAsync(BenchDatabase db, long after, long upTo, ProgressContext progress, CancellationToken cancellation)
    {
        string Range(string alias) => $"{alias}.seq_id > {after} and {alias}.seq_id <= {upTo}";
        var incidents = await db.ScalarAsync<long>($"select count(*) from ersou.mt_events e where {Range("e")} and e.version = 1 and e.type = 'incident_reported'", cancellation);
        var tables = await PresentAsync(db, cancellation);
        var plan = new List<(string Table, List<(string Name, string Type)> Columns, long Rows)>();
        foreach (var table in tables)
        {
            string added;
            if (table == "mt_events")
            {
                added = Range("t");
            }
            else if (table == "mt_streams")
            {
                // Every stream an event in range belongs to, as RawCopy takes them (Marten's own rows too).
                added = $"exists (select 1 from ersou.mt_events e where e.tenant_id = t.tenant_id and e.stream_id = t.id and {Range("e")})";
            }
            else if (await db.ScalarAsync<bool>($"select to_regclass('{Schema}.before_{table}') is null", cancellation))
            {
                // A table that appeared during the import: all of it is the import's.
                added = "true";
            }
            else
            {
                var key = await PrimaryKeyAsync(db, table, cancellation);
                added = $"not exists (select 1 from {Schema}.before_{table} b where {string.Join(" and ", key.Select(k => $"b.{BinaryRows.Quote(k)} = t.{BinaryRows.Quote(k)}"))})";
            }

            // The added rows, numbered, in a table of their own (not timed): read back a chunk at a time, whatever their size.
            await db.ExecuteAsync(
                $"""
                create unlogged table {Schema}.added_{table} as select row_number() over () as bench_row, t.* from ersou.{table} t where {added};
                create index on {Schema}.added_{table} (bench_row);
                create table {Schema}.{table} (like ersou.{table} including all);
                """,
                cancellation);
            plan.Add((table, await BinaryRows.ColumnsAsync(db, table, cancellation), await db.ScalarAsync<long>($"select count(*) from {Schema}.added_{table}", cancellation)));
        }

        if (tables.Contains("mt_streams") && tables.Contains("mt_events"))
        {
            // LIKE leaves foreign keys out: the events' key to their streams comes back, as RawCopy has it.
            await db.ExecuteAsync($"alter table {Schema}.mt_events add constraint bench_full_events_stream foreign key (tenant_id, stream_id) references {Schema}.mt_streams (tenant_id, id)", cancellation);
        }

        var task = progress.AddTask($"binary COPY of every row the import wrote: {plan.Sum(p => p.Rows):N0} rows in {plan.Count} tables", maxValue: Math.Max(1, plan.Sum(p => p.Rows)));
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        var timed = TimeSpan.Zero;
        await using (var connection = await db.DataSource.OpenConnectionAsync(cancellation))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellation);
            foreach (var (table, columns, _) in plan)
            {
                var sql = $"select bench_row, {string.Join(", ", columns.Select(c => BinaryRows.Quote(c.Name)))} from {Schema}.added_{table} where bench_row > @last order by bench_row limit {ChunkRows}";
                var own = TimeSpan.Zero;
                var last = 0L;
                while (true)
                {
                    // Reading is not timed: the chunk is in memory before its COPY starts.
                    var rows = await BinaryRows.ReadChunkAsync(db, sql, columns.Count, cancellation, ("last", last));
                    if (rows.Count == 0)
                    {
                        break;
                    }

                    last = rows[^1].Key;
                    var clock = Stopwatch.StartNew();
                    await BinaryRows.CopyAsync(connection, Schema, table, columns, rows, cancellation);
                    own += clock.Elapsed;
                    task.Increment(rows.Count);
                }

                seconds[table] = own.TotalSeconds;
                timed += own;
            }

            var commit = Stopwatch.StartNew();
            await transaction.CommitAsync(cancellation);
            timed += commit.Elapsed;
        }

        task.Value = task.MaxValue;
        task.StopTask();
        var result = new List<TableCopy>();
        foreach (var (table, _, rows) in plan)
        {
            result.Add(new TableCopy(table, rows, await db.ScalarAsync<long>($"select pg_total_relation_size('{Schema}.{table}')", cancellation), seconds[table]));
        }

        await db.ExecuteAsync($"drop schema {Schema} cascade", cancellation);
        return new EverythingCopyResult(incidents, result, timed.TotalSeconds, incidents / Math.Max(timed.TotalSeconds, 1e-6));
    }

    /// <summary>Drops the bench tables if a run stopped between the two halves, so the footprint counts only the service's data.</summary>
    public static Task DropAsync(BenchDatabase db, CancellationToken cancellation) =>
        db.ExecuteAsync($"drop schema if exists {Schema} cascade", cancellation);

    private static async Task<List<string>> PresentAsync(BenchDatabase db, CancellationToken cancellation)
    {
        var present = new List<string>();
        foreach (var table in Tables)
        {
            if (await db.ScalarAsync<bool>($"select to_regclass('ersou.{table}') is not null", cancellation))
            {
                present.Add(table);
            }
        }

        return present;
    }

    private static async Task<List<string>> PrimaryKeyAsync(BenchDatabase db, string table, CancellationToken cancellation)
    {
        await using var command = db.DataSource.CreateCommand(
            "select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey) where i.indrelid = @table::regclass and i.indisprimary order by array_position(i.indkey::int2[], a.attnum)");
        command.Parameters.AddWithValue("table", $"ersou.{table}");
        var key = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            key.Add(reader.GetString(0));
        }

        return key.Count > 0 ? key : throw new BenchFailure($"ersou.{table} has no primary key to tell the import's rows apart by.");
    }
}
