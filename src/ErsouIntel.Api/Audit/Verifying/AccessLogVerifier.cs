using ErsouIntel.Api.Audit.Checkpoints;
using ErsouIntel.Api.Audit.Tree;
using ErsouIntel.Domain.Transparency;
using Npgsql;

namespace ErsouIntel.Api.Audit.Verifying;

/// <summary>The contract's <c>AccessLogVerification</c>.</summary>
public sealed record AccessLogVerification(bool Valid, long EntriesChecked, long? FirstInvalidSequence);

/// <summary>
/// <c>verifyAccessLog</c>: recomputes the chain from sequence 1, one row at a time as the database streams them,
/// and beside it the Merkle tree, compared with every signed checkpoint (<see cref="AccessLogTreeWalk"/>) and
/// with the tree's stored leaves. The first invalid sequence is the first that is missing, whose
/// <c>previous_hash</c> is not the hash of the entry before it, whose stored hash is not the hash of its own
/// contents, whose stored leaf is not the leaf of its contents, or the first a checkpoint no longer vouches for
/// (the entries it signed were rewritten, or are gone): a row changed or deleted in the database shows there.
/// One snapshot for all of it, so a checkpoint signed while the walk runs is not taken for a cut log.
/// <paramref name="logKeys"/>: the log's current and earlier verifier keys, which every checkpoint's signature must
/// verify under; tools that read the database without the service's settings give none, and then only the roots are
/// compared.
/// </summary>
public sealed class AccessLogVerifier(NpgsqlDataSource db, IReadOnlyList<NoteVerifier>? logKeys = null)
{
    public async Task<AccessLogVerification> VerifyAsync(CancellationToken cancellation)
    {
        await using var connection = await db.OpenConnectionAsync(cancellation);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellation);
        var tree = new AccessLogTreeWalk(await CheckpointsAsync(connection, transaction, cancellation));
        var walk = new AccessLogChainWalk();
        long? badLeaf = null;
        await using (var command = new NpgsqlCommand(
            $"select {AccessLogSchema.Columns}, t.hash from {AccessLogSchema.Table} l " +
            $"left join {AccessLogTree.Table} t on t.level = 0 and t.index = l.sequence - 1 order by l.sequence", connection, transaction))
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                var (entry, hash) = AccessLogSchema.Read(reader);
                walk.Add(entry, hash);
                var leaf = AccessLogTree.LeafHash(entry);
                if (!reader.IsDBNull(13) && !reader.GetFieldValue<byte[]>(13).AsSpan().SequenceEqual(leaf))
                {
                    badLeaf ??= entry.Sequence;
                }

                tree.Add(leaf);
            }
        }

        tree.Finish();
        var chain = walk.Result;
        // The chain and the stored leaves name the very entry; a checkpoint only bounds where the change is (after the
        // last checkpoint that still matches), so it speaks when nothing else does: the log rewritten with its chain
        // and its tree, or its newest entries deleted.
        long?[] pinpointed = [chain.FirstInvalidSequence, badLeaf];
        var first = pinpointed.Where(f => f is not null).Min() ?? tree.FirstInvalid;
        return new AccessLogVerification(first is null, chain.EntriesChecked, first);
    }

    /// <summary>Every checkpoint the log signed, with whether the log's signature on it verifies under its current or an earlier key.</summary>
    private async Task<List<CheckedCheckpoint>> CheckpointsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellation)
    {
        var checkpoints = new List<CheckedCheckpoint>();
        await using var command = new NpgsqlCommand(
            $"select c.tree_size, c.root, c.body, s.line from {CheckpointSchema.Checkpoints} c " +
            $"join {CheckpointSchema.Signatures} s on s.tree_size = c.tree_size and s.kind = '{CheckpointSchema.LogKind}' order by c.tree_size",
            connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var body = reader.GetString(2);
            var signed = SignedNote.TryParse(body + "\n" + reader.GetString(3) + "\n", out var note) && note is not null
                && (logKeys is null || (note.TryVerify(logKeys, out var by) && by.Count > 0))
                && Checkpoint.TryParse(body, out var checkpoint) && checkpoint is not null
                && checkpoint.Size == reader.GetInt64(0) && checkpoint.RootHash.Span.SequenceEqual(reader.GetFieldValue<byte[]>(1));
            checkpoints.Add(new CheckedCheckpoint(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), signed));
        }

        return checkpoints;
    }
}

/// <summary>
/// The chain's rule, in one place: fed the stored entries in sequence order from <paramref name="from"/> (whose
/// entry before it has hash <paramref name="startsAfter"/>), it remembers the first sequence that is missing,
/// whose <c>previous_hash</c> is not the hash before it, or whose hash is not that of its own contents.
/// <c>verifyAccessLog</c> walks the whole log with it; <c>audit-export</c> walks what it writes.
/// </summary>
public sealed class AccessLogChainWalk(long from = 1, string? startsAfter = null)
{
    private long expected = from;
    private string previous = startsAfter ?? AccessLogChain.Genesis;
    private long checkedEntries;
    private long? firstInvalid;

    public AccessLogVerification Result => new(firstInvalid is null, checkedEntries, firstInvalid);

    public void Add(StoredEntry entry, string hash)
    {
        checkedEntries++;
        var valid = entry.Sequence == expected
            && string.Equals(entry.PreviousHash, previous, StringComparison.Ordinal)
            && string.Equals(AccessLogChain.Hash(entry), hash, StringComparison.Ordinal);
        if (!valid && firstInvalid is null)
        {
            // A gap names the first sequence missing; anything else names the entry itself.
            firstInvalid = Math.Min(expected, entry.Sequence);
        }

        expected = entry.Sequence + 1;
        previous = hash;
    }
}
