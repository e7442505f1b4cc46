using System.Diagnostics;
using Npgsql;
using Spectre.Console;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>The raw limit for a set of incidents: their rows written straight into PostgreSQL with binary COPY.</summary>
internal sealed record RawCopyResult(long Incidents, long Streams, long Events, IReadOnlyDictionary<string, long> EventTypes, double Seconds, double PerSecond);

/// <summary>
/// The floor under an ingest: the very rows the service wrote for those incidents (every column of
/// <c>ersou.mt_streams</c> and <c>ersou.mt_events</c>), read back into memory and written again
/// with binary COPY into empty copies of the two tables, with the same indexes and the events'
/// foreign key to their streams, in one transaction. Only the COPY and the commit are timed, so the
/// ratio says what the service's path costs above storing its events and nothing else: no link
/// graph, no access log, no HTTP, no JSON.
/// </summary>
internal static class RawCopy
{
    private const string Schema = "bench_raw";
    private const int ChunkRows = 20_000;

    /// <summary>The newest event's sequence number: the boundary between one phase's events and the next's.</summary>
    public static async Task<long> MaxSequenceAsync(BenchDatabase db, CancellationToken cancellation) =>
        await db.ScalarAsync<long>("select coalesce(max(seq_id), 0)::bigint from ersou.mt_events", cancellation);

    /// <summary>
    /// Copies the events with <c>after &lt; seq_id &lt;= upTo</c> and the streams they start, then
    /// empties the raw tables again (they must not count in the database's size).
    /// </summary>
    public static async Task<RawCopyResult> RunAsync(BenchDatabase db, long after, long upTo, string label, ProgressContext progress, CancellationToken cancellation)
    {
        await PrepareAsync(db, cancellation);
        var streamColumns = await BinaryRows.ColumnsAsync(db, "mt_streams", cancellation);
        var eventColumns = await BinaryRows.ColumnsAsync(db, "mt_events", cancellation);
        var range = $"seq_id > {after} and seq_id <= {upTo}";
        var events = await db.ScalarAsync<long>($"select count(*) from ersou.mt_events where {range}", cancellation);
        var incidents = await db.ScalarAsync<long>($"select count(*) from ersou.mt_events where {range} and version = 1 and type = 'incident_reported'", cancellation);
        var types = await EventTypesAsync(db, range, cancellation);

        // Every stream an event in range belongs to, keyed by its first event in range. Not only the
        // incidents' new streams: Marten also writes rows of its own (tombstones for failed appends,
        // on a stream of their own), and the events' foreign key needs their streams.
        await db.ExecuteAsync(
            $"""
            drop table if exists {Schema}.copy_streams;
            create unlogged table {Schema}.copy_streams as
              select tenant_id, stream_id, min(seq_id) as first_seq from ersou.mt_events where {range} group by tenant_id, stream_id;
            create index on {Schema}.copy_streams (first_seq);
            """,
            cancellation);
        var streams = await db.ScalarAsync<long>($"select count(*) from {Schema}.copy_streams", cancellation);
        var task = progress.AddTask($"{label}: binary COPY of {streams:N0} streams + {events:N0} events", maxValue: Math.Max(1, streams + events));

        var streamSql = $"""
            select k.first_seq, {string.Join(", ", streamColumns.Select(c => "s." + BinaryRows.Quote(c.Name)))}
              from {Schema}.copy_streams k
              join ersou.mt_streams s on s.tenant_id = k.tenant_id and s.id = k.stream_id
             where k.first_seq > @last and k.first_seq <= @upTo
             order by k.first_seq limit {ChunkRows}
            """;
        var eventSql = $"""
            select seq_id, {string.Join(", ", eventColumns.Select(c => BinaryRows.Quote(c.Name)))}
              from ersou.mt_events
             where seq_id > @last and seq_id <= @upTo
             order by seq_id limit {ChunkRows}
            """;

        var timed = TimeSpan.Zero;
        await using (var connection = await db.DataSource.OpenConnectionAsync(cancellation))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellation);
            foreach (var (table, columns, sql) in new[] { ("mt_streams", streamColumns, streamSql), ("mt_events", eventColumns, eventSql) })
            {
                var last = after;
                while (true)
                {
                    // Reading is not timed: the chunk is in memory before its COPY starts.
                    var rows = await BinaryRows.ReadChunkAsync(db, sql, columns.Count, cancellation, ("last", last), ("upTo", upTo));
                    if (rows.Count == 0)
                    {
                        break;
                    }

                    last = rows[^1].Key;
                    var clock = Stopwatch.StartNew();
                    await BinaryRows.CopyAsync(connection, Schema, table, columns, rows, cancellation);
                    timed += clock.Elapsed;
                    task.Increment(rows.Count);
                }
            }

            var commit = Stopwatch.StartNew();
            await transaction.CommitAsync(cancellation);
            timed += commit.Elapsed;
        }

        task.Value = task.MaxValue;
        task.StopTask();
        await db.ExecuteAsync($"truncate {Schema}.mt_events, {Schema}.mt_streams; drop table {Schema}.copy_streams", cancellation);
        var seconds = timed.TotalSeconds;
        return new RawCopyResult(incidents, streams, events, types, seconds, incidents / Math.Max(seconds, 1e-6));
    }

    /// <summary>Drops the raw tables and their schema, so the database's size counts only the service's own data.</summary>
    public static Task DropAsync(BenchDatabase db, CancellationToken cancellation) =>
        db.ExecuteAsync($"drop schema if exists {Schema} cascade", cancellation);

    /// <summary>
    /// Empty copies with everything (defaults, constraints, indexes): the floor pays for the same
    /// indexes. LIKE does not copy foreign keys, so the events' key to their streams is added back
    /// between the two copies, as Marten has it between the originals.
    /// </summary>
    private static async Task PrepareAsync(BenchDatabase db, CancellationToken cancellation)
    {
        await db.ExecuteAsync(
            $"""
            create schema if not exists {Schema};
            create table if not exists {Schema}.mt_streams (like ersou.mt_streams including all);
            create table if not exists {Schema}.mt_events (like ersou.mt_events including all);
            alter table {Schema}.mt_events drop constraint if exists bench_raw_events_stream;
            alter table {Schema}.mt_events add constraint bench_raw_events_stream foreign key (tenant_id, stream_id) references {Schema}.mt_streams (tenant_id, id);
            truncate {Schema}.mt_events, {Schema}.mt_streams;
            """,
            cancellation);
    }

    private static async Task<Dictionary<string, long>> EventTypesAsync(BenchDatabase db, string range, CancellationToken cancellation)
    {
        await using var command = db.DataSource.CreateCommand($"select type, count(*) from ersou.mt_events where {range} group by type order by type");
        var types = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            types[reader.GetString(0)] = reader.GetInt64(1);
        }

        return types;
    }
}
