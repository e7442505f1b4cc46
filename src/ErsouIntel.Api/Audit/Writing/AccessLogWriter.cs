using System.Globalization;
using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit.Tree;
using ErsouIntel.Api.Identity;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Transparency;
using Npgsql;
using NpgsqlTypes;

namespace ErsouIntel.Api.Audit.Writing;

/// <summary>
/// Writes a request's entries to the access log before its response leaves (DPA 2018 s.62).
/// Appends are serialised in PostgreSQL, so the chain never forks however many instances of the
/// service write at once: under a transaction-scoped advisory lock the writer reads the last
/// entry, numbers its entries on from it, chains their hashes and inserts them, all in one
/// transaction.
/// </summary>
public sealed class AccessLogWriter(NpgsqlDataSource db, bool tree = true) : IDisposable
{
    /// <summary>The advisory lock every append takes: "ErsouLog" in ASCII.</summary>
    public const long AppendLock = 0x4572_736F_754C_6F67;

    /// <summary>The record type of a log entry named in an auditor's own CONSULTATION entry.</summary>
    public const string LogEntryRecordType = "AccessLogEntry";

    private const string Insert =
        "insert into ersou.access_log(sequence, at, subject, force, roles, client_id, kind, operation, purpose, justification, records, previous_hash, hash) " +
        "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

    /// <summary>Writes what <paramref name="audit"/> gathered; nothing at all for a request that read and changed nothing.</summary>
    public Task<IReadOnlyList<AccessLogEntry>> WriteAsync(RequestAudit audit, Caller? caller, string? operation, CancellationToken cancellation) =>
        AppendAsync(EntriesFor(audit, caller, operation), cancellation);

    /// <summary>
    /// The entries a request asks for. Each access scope: one CONSULTATION with the records of the
    /// caller's own force (and records that belong to no one force, such as a courier assembled
    /// across the region), written even when it returned nothing, one DISCLOSURE with the records of
    /// other forces when there were any, and one REFUSED naming the records asked for by id and not
    /// given, when there were any. Each refused attempt outside a scope: one REFUSED. Each read of the
    /// log: one CONSULTATION naming the entries shown. Changes: one entry per kind and reason (purpose
    /// and justification).
    /// </summary>
    public static IReadOnlyList<PendingEntry> EntriesFor(RequestAudit audit, Caller? caller, string? operation)
    {
        var entries = new List<PendingEntry>();
        foreach (var scope in audit.Scopes)
        {
            var records = scope.Records.ToList();
            var own = records.Where(r => r.Force is null || r.Force == scope.Force).ToList();
            var others = records.Where(r => r.Force is { } force && force != scope.Force).ToList();
            entries.Add(Entry(scope.Caller, AccessKind.Consultation, operation, scope.Purpose, scope.Justification, own.Select(Logged)));
            if (others.Count > 0)
            {
                entries.Add(Entry(scope.Caller, AccessKind.Disclosure, operation, scope.Purpose, scope.Justification, others.Select(Logged)));
            }

            // A record withheld and an id that names nothing both write this entry, so the log's
            // growth tells nothing the answer does not; the force named tells the auditor which it was.
            if (scope.RefusedRecords.Count > 0)
            {
                entries.Add(Entry(scope.Caller, AccessKind.Refused, operation, scope.Purpose, scope.Justification, scope.RefusedRecords));
            }
        }

        foreach (var refusal in audit.Refusals)
        {
            entries.Add(Entry(refusal.Caller, AccessKind.Refused, operation, refusal.Purpose, refusal.Justification, refusal.Records));
        }

        if (audit.LogReads.Count == 0 && audit.Changes.Count == 0)
        {
            return entries;
        }

        // Only a signed-in caller gets this far; without one there is nobody to name, so nothing may be returned.
        var who = caller ?? throw new InvalidOperationException("A request changed records or read the log without a caller to name in the access log.");
        foreach (var read in audit.LogReads)
        {
            entries.Add(Entry(who, AccessKind.Consultation, operation, null, null,
                read.Select(sequence => new LoggedRecord(LogEntryRecordType, sequence.ToString(CultureInfo.InvariantCulture), null))));
        }

        // Changes with different reasons (two case actions with their own justifications in one request) are separate entries.
        foreach (var kind in audit.Changes.GroupBy(c => (c.Kind, c.Purpose, c.Justification))
            .OrderBy(g => g.Key.Kind).ThenBy(g => g.Key.Purpose).ThenBy(g => g.Key.Justification, StringComparer.Ordinal))
        {
            entries.Add(Entry(who, kind.Key.Kind, operation, kind.Key.Purpose, kind.Key.Justification, kind.Select(c => new LoggedRecord(c.Type, Id(c.Id), c.Force))));
        }

        return entries;
    }

    /// <summary>
    /// Appends the entries, contiguous and in order, and returns them as stored once they are committed.
    /// Group commit: while one append is being written, the appends that arrive queue up, and the next
    /// writer takes them all into one transaction (one lock, one read of the head, one commit and so one
    /// flush to disk for many requests), each caller still waiting until its own entries are durable. If
    /// that transaction fails, every caller in it gets the failure and none of them answers.
    /// </summary>
    public async Task<IReadOnlyList<AccessLogEntry>> AppendAsync(IReadOnlyList<PendingEntry> entries, CancellationToken cancellation)
    {
        if (entries.Count == 0)
        {
            return [];
        }

        var mine = new QueuedAppend(entries);
        queued.Enqueue(mine);
        while (!mine.Written.Task.IsCompleted)
        {
            await writing.WaitAsync(cancellation);
            try
            {
                if (mine.Written.Task.IsCompleted)
                {
                    break;
                }

                var group = new List<QueuedAppend>();
                var count = 0;
                while (count < MaxGroup && queued.TryDequeue(out var next))
                {
                    group.Add(next);
                    count += next.Entries.Count;
                }

                await WriteGroupAsync(group);
            }
            finally
            {
                writing.Release();
            }
        }

        return await mine.Written.Task;
    }

    /// <summary>The most entries one transaction takes; a request's entries are never split across two.</summary>
    private const int MaxGroup = 1000;

    private readonly System.Collections.Concurrent.ConcurrentQueue<QueuedAppend> queued = new();
    private readonly SemaphoreSlim writing = new(1, 1);

    public void Dispose() => writing.Dispose();

    private sealed record QueuedAppend(IReadOnlyList<PendingEntry> Entries)
    {
        public TaskCompletionSource<IReadOnlyList<AccessLogEntry>> Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task WriteGroupAsync(IReadOnlyList<QueuedAppend> group)
    {
        try
        {
            // Not the callers' cancellation: the group is others' entries too, and a read that happened is logged regardless.
            var written = await AppendInOneTransactionAsync([.. group.SelectMany(g => g.Entries)], CancellationToken.None);
            var at = 0;
            foreach (var append in group)
            {
                append.Written.TrySetResult(written.Skip(at).Take(append.Entries.Count).ToList());
                at += append.Entries.Count;
            }
        }
        catch (Exception e)
        {
            foreach (var append in group)
            {
                append.Written.TrySetException(e);
            }
        }
    }

    /// <summary>Appends the entries in one transaction under the append lock; returns them as stored.</summary>
    private async Task<IReadOnlyList<AccessLogEntry>> AppendInOneTransactionAsync(IReadOnlyList<PendingEntry> entries, CancellationToken cancellation)
    {
        await using var connection = await db.OpenConnectionAsync(cancellation);
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        await using (var take = new NpgsqlCommand("select pg_advisory_xact_lock($1)", connection, transaction))
        {
            take.Parameters.Add(new NpgsqlParameter<long> { TypedValue = AppendLock });
            await take.ExecuteNonQueryAsync(cancellation);
        }

        // Read committed: this statement's snapshot is taken after the lock, so it sees the last append.
        DateTimeOffset at;
        long sequence;
        string previous;
        long treeSize;
        await using (var last = new NpgsqlCommand(
            $"select clock_timestamp(), h.sequence, h.hash, {AccessLogTree.SizeSql} from (select 1) one " +
            "left join (select sequence, hash from ersou.access_log order by sequence desc limit 1) h on true", connection, transaction))
        await using (var reader = await last.ExecuteReaderAsync(cancellation))
        {
            await reader.ReadAsync(cancellation);
            at = reader.GetFieldValue<DateTimeOffset>(0);
            sequence = reader.IsDBNull(1) ? 0 : reader.GetInt64(1);
            previous = reader.IsDBNull(2) ? AccessLogChain.Genesis : reader.GetString(2);
            treeSize = reader.GetInt64(3);
        }

        var head = sequence;

        var written = new List<AccessLogEntry>(entries.Count);
        var leaves = new List<byte[]>(entries.Count);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var pending in entries)
        {
            sequence++;
            var entry = new AccessLogEntry(sequence, at, pending.Subject, pending.Force, pending.Roles, pending.ClientId, pending.Kind, pending.Operation,
                pending.Purpose, pending.Justification, pending.Records, previous, "");
            var stored = AccessLogChain.Stored(entry);
            var canonical = AccessLogChain.CanonicalBytes(stored);
            entry = entry with { Hash = AccessLogChain.HashOf(canonical) };
            batch.BatchCommands.Add(InsertOf(stored, at, entry));
            leaves.Add(MerkleHash.LeafHash(canonical));
            written.Add(entry);
            previous = entry.Hash;
        }

        await batch.ExecuteNonQueryAsync(cancellation);
        if (tree)
        {
            await AccessLogTree.AppendAsync(connection, transaction, treeSize, head, leaves, cancellation);
        }

        await transaction.CommitAsync(cancellation);
        foreach (var entry in written)
        {
            Telemetry.ErsouMetrics.AccessLogEntryWritten(AccessLogChain.KindName(entry.Kind));
        }

        return written;
    }

    private static NpgsqlBatchCommand InsertOf(StoredEntry stored, DateTimeOffset at, AccessLogEntry entry)
    {
        var insert = new NpgsqlBatchCommand(Insert);
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = stored.Sequence });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        insert.Parameters.Add(Text(stored.Subject));
        insert.Parameters.Add(Text(stored.Force));
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. stored.Roles], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        insert.Parameters.Add(Text(stored.ClientId));
        insert.Parameters.Add(Text(stored.Kind));
        insert.Parameters.Add(Text(stored.Operation));
        insert.Parameters.Add(Text(stored.Purpose));
        insert.Parameters.Add(Text(stored.Justification));
        insert.Parameters.Add(new NpgsqlParameter { Value = AccessLogSchema.RecordsJson(entry.Records), NpgsqlDbType = NpgsqlDbType.Jsonb });
        insert.Parameters.Add(Text(stored.PreviousHash));
        insert.Parameters.Add(Text(entry.Hash));
        return insert;
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static PendingEntry Entry(Caller caller, AccessKind kind, string? operation, Purpose? purpose, string? justification, IEnumerable<LoggedRecord> records) => new(
        caller.Subject,
        caller.Force,
        caller.Roles.Order(StringComparer.Ordinal).ToList(),
        caller.ClientId,
        kind,
        operation,
        purpose,
        justification,
        // One order for everyone: by type, then force, then id.
        records.Distinct()
            .OrderBy(r => r.Type, StringComparer.Ordinal)
            .ThenBy(r => r.Force?.TenantId() ?? "", StringComparer.Ordinal)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToList());

    private static LoggedRecord Logged(AccessedRecord record) => new(record.Type, Id(record.Id), record.Force);

    private static string Id(Guid id) => id.ToString("D");
}
