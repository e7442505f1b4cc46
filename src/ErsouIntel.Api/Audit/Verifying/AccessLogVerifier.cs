using Npgsql;

namespace ErsouIntel.Api.Audit.Verifying;

/// <summary>The contract's <c>AccessLogVerification</c>.</summary>
public sealed record AccessLogVerification(bool Valid, long EntriesChecked, long? FirstInvalidSequence);

/// <summary>
/// <c>verifyAccessLog</c>: recomputes the chain from sequence 1, one row at a time as the
/// database streams them. The first invalid sequence is the first that is missing, whose
/// <c>previous_hash</c> is not the hash of the entry before it, or whose stored hash is not the
/// hash of its own contents: a row changed or deleted in the database shows there.
/// </summary>
public sealed class AccessLogVerifier(NpgsqlDataSource db)
{
    public async Task<AccessLogVerification> VerifyAsync(CancellationToken cancellation)
    {
        var walk = new AccessLogChainWalk();
        await using var command = db.CreateCommand($"select {AccessLogSchema.Columns} from {AccessLogSchema.Table} l order by l.sequence");
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var (entry, hash) = AccessLogSchema.Read(reader);
            walk.Add(entry, hash);
        }

        return walk.Result;
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
