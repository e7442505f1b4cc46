using System.Text.Json;
using ErsouIntel.Api.Links;
using ErsouIntel.Api.Storage;
using Npgsql;
using NpgsqlTypes;

namespace ErsouIntel.Api.Incidents.Importing;

/// <summary>
/// The link graph of a bulk load (docs/link-graph.md, "Feeding it from another set"): each batch's
/// new incidents are COPYed into a staging table and linked from it by the live path's own
/// <c>li_link_incidents</c> (nodes, identity keys and links, set-based), and marked in
/// <c>li_load_pending</c> in the same transaction; their matches are worked out once, at the end
/// of the load, by <c>li_match_load</c> over every entity the load linked, a slice of entities per
/// transaction, in id order. One load at a time (a session advisory lock); a load cut short leaves
/// its pending incidents for the next one, which matches them with its own.
/// </summary>
public sealed class LoadLinker : IAsyncDisposable
{
    /// <summary>Held for the whole load: a second import waits for none and is refused.</summary>
    private const long LoadLock = 0x4572736F754C6F64; // "ErsouLod"

    /// <summary>Entities per matching transaction: short enough that pushes meanwhile wait little on its rows.</summary>
    private const int MatchSlice = 20_000;

    private const int DeadlockAttempts = 5;

    private readonly NpgsqlConnection connection;
    private long line;

    private LoadLinker(NpgsqlConnection connection) => this.connection = connection;

    public static async Task<LoadLinker?> OpenAsync(NpgsqlDataSource db, CancellationToken cancellation)
    {
        var connection = await db.OpenConnectionAsync(cancellation);
        await using (var lockCommand = new NpgsqlCommand("select pg_try_advisory_lock($1)", connection))
        {
            lockCommand.Parameters.AddWithValue(LoadLock);
            if (await lockCommand.ExecuteScalarAsync(cancellation) is not true)
            {
                await connection.DisposeAsync();
                return null;
            }
        }

        // A temporary table: the staged rows are only ever a batch, and what a crash loses the next load finds unlinked in the events.
        // Memory for the load's sorts and hashes (this session only): its statements are few and large.
        await using (var create = new NpgsqlCommand(
            "create temp table if not exists li_load_stage(line bigint primary key, id uuid not null, payload jsonb not null); set work_mem = '64MB'", connection))
        {
            await create.ExecuteNonQueryAsync(cancellation);
        }

        return new LoadLinker(connection);
    }

    /// <summary>COPYs the payloads into the stage and links them, marking them pending, in one transaction.</summary>
    public async Task LinkAsync(IReadOnlyList<(Guid Id, object Payload)> incidents, CancellationToken cancellation)
    {
        if (incidents.Count == 0)
        {
            return;
        }

        await using (var truncate = new NpgsqlCommand("truncate li_load_stage", connection))
        {
            await truncate.ExecuteNonQueryAsync(cancellation);
        }

        await using (var copy = await connection.BeginBinaryImportAsync("copy li_load_stage(line, id, payload) from stdin (format binary)", cancellation))
        {
            foreach (var (id, payload) in incidents)
            {
                await copy.StartRowAsync(cancellation);
                await copy.WriteAsync(++line, NpgsqlDbType.Bigint, cancellation);
                await copy.WriteAsync(id, NpgsqlDbType.Uuid, cancellation);
                await copy.WriteAsync(JsonSerializer.Serialize(payload, ReadModelJson.Options), NpgsqlDbType.Jsonb, cancellation);
            }

            await copy.CompleteAsync(cancellation);
        }

        // Incidents already linked (at their version or later) are left out, as li_apply_incidents leaves them out.
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        await using (var link = new NpgsqlCommand(
            """
            with fresh as (
              select s.line, s.id, s.payload from li_load_stage s
               where not exists (select 1 from ersou.li_incidents i where i.id = s.id and i.version >= (s.payload->>'version')::int)),
            pending as (
              insert into ersou.li_load_pending(incident_id) select id from fresh on conflict do nothing)
            select ersou.li_link_incidents(jsonb_agg(payload order by line)) from fresh having count(*) > 0
            """,
            connection,
            transaction))
        {
            link.CommandTimeout = 0;
            await link.ExecuteNonQueryAsync(cancellation);
        }

        await transaction.CommitAsync(cancellation);
    }

    /// <summary>The entities the pending incidents carry that can be matched, a slice at a time; then nothing is pending.</summary>
    public async Task<long> MatchAsync(DateTimeOffset at, Action<long, long> progressed, Action<string> retried, CancellationToken cancellation)
    {
        // Planner statistics for what the load wrote first: with the tables' sizes from before it, the read below was
        // planned as an in-memory hash for a fraction of its entities, spilled, and ran for minutes in the 1M benchmark.
        await using (var analyze = new NpgsqlCommand(
            "analyze ersou.li_load_pending; analyze ersou.li_links; analyze ersou.li_incidents; analyze ersou.li_entities; analyze ersou.li_matches", connection))
        {
            analyze.CommandTimeout = 0;
            await analyze.ExecuteNonQueryAsync(cancellation);
        }

        var entities = new List<Guid>();
        // Only the entities that can be matched, read set-based: those carried by two forces or more, and those on an open
        // case's incidents. The rest (most numbers are seen once) would each cost li_match_load an index walk for nothing.
        await using (var read = new NpgsqlCommand(
            """
            with loaded as (
              select distinct l.entity_id from ersou.li_load_pending p join ersou.li_links l on l.incident_id = p.incident_id)
            select x.entity_id
              from loaded x
              join ersou.li_links l on l.entity_id = x.entity_id
              join ersou.li_incidents i on i.id = l.incident_id
             group by x.entity_id
            having count(distinct i.force) > 1
            union
            select x.entity_id
              from loaded x
             where x.entity_id in (select o.entity_id
                                     from ersou.li_case_incidents ci
                                     join ersou.li_cases k on k.id = ci.case_id and k.status = 'OPEN'
                                     join ersou.li_links o on o.incident_id = ci.incident_id)
             order by 1
            """,
            connection))
        {
            read.CommandTimeout = 0;
            await using var reader = await read.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                entities.Add(reader.GetGuid(0));
            }
        }

        long matched = 0, done = 0;
        foreach (var slice in entities.Chunk(MatchSlice))
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var match = new NpgsqlCommand("select ersou.li_match_load($1, $2)", connection);
                    match.CommandTimeout = 0;
                    match.Parameters.AddWithValue(slice);
                    match.Parameters.AddWithValue(at);
                    matched += Convert.ToInt64(await match.ExecuteScalarAsync(cancellation), System.Globalization.CultureInfo.InvariantCulture);
                    break;
                }
                catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected && attempt < DeadlockAttempts)
                {
                    // A push took the same rows in the other order: PostgreSQL chose this slice; it is idempotent, so again.
                    retried($"a deadlock with a concurrent push on a slice of {slice.Length} entities (attempt {attempt}), matched again");
                }
            }

            done += slice.Length;
            progressed(done, entities.Count);
        }

        await using (var clear = new NpgsqlCommand("delete from ersou.li_load_pending", connection))
        {
            clear.CommandTimeout = 0;
            await clear.ExecuteNonQueryAsync(cancellation);
        }

        return matched;
    }

    public async ValueTask DisposeAsync()
    {
        // The session goes back to the pool: its advisory lock and the temporary table go first.
        // A load cancelled in the middle of a COPY leaves the connection broken, and its session ended with it.
        if (connection.FullState == System.Data.ConnectionState.Open)
        {
            try
            {
                await using var release = new NpgsqlCommand("discard all", connection);
                await release.ExecuteNonQueryAsync();
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ObjectDisposedException)
            {
                // Broken while we asked: the session is gone, and the lock and table with it.
            }
        }

        await connection.DisposeAsync();
    }
}
