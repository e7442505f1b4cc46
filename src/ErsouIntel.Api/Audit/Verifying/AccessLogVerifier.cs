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
        long checkedEntries = 0;
        long expected = 1;
        long? firstInvalid = null;
        var previous = AccessLogChain.Genesis;
        await using var command = db.CreateCommand($"select {AccessLogSchema.Columns} from {AccessLogSchema.Table} l order by l.sequence");
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var (entry, hash) = AccessLogSchema.Read(reader);
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

        return new AccessLogVerification(firstInvalid is null, checkedEntries, firstInvalid);
    }
}
