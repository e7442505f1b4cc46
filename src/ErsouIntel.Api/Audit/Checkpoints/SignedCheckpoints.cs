using ErsouIntel.Api.Audit.Witnesses;
using ErsouIntel.Domain.Transparency;
using Npgsql;

namespace ErsouIntel.Api.Audit.Checkpoints;

/// <summary>The contract's <c>AccessLogCheckpoint</c>: a signed checkpoint with the signatures it carries today.</summary>
public sealed record SignedCheckpoint(string Origin, long TreeSize, byte[] Root, DateTimeOffset At, string Note, IReadOnlyList<string> VerifierKeys, IReadOnlyList<string> CosignedBy)
{
    public string Body => Note[..(Note.IndexOf("\n\n", StringComparison.Ordinal) + 1)];
}

/// <summary>Reads of the signed checkpoints: the newest, and one by size.</summary>
public sealed class SignedCheckpoints(NpgsqlDataSource db, LogKeys keys, WitnessRegistry witnesses)
{
    private const string Signed =
        $"select c.tree_size, c.root, c.at, c.body, " +
        $"array(select s.line from {CheckpointSchema.Signatures} s where s.tree_size = c.tree_size order by s.kind, s.signer), " +
        $"array(select s.signer from {CheckpointSchema.Signatures} s where s.tree_size = c.tree_size and s.kind = '{CheckpointSchema.WitnessKind}' order by s.signer) " +
        $"from {CheckpointSchema.Checkpoints} c " +
        $"where exists (select 1 from {CheckpointSchema.Signatures} s where s.tree_size = c.tree_size and s.kind = '{CheckpointSchema.LogKind}')";

    /// <summary>The newest signed checkpoint; null until the first is signed.</summary>
    public Task<SignedCheckpoint?> LatestAsync(CancellationToken cancellation) =>
        OneAsync($"{Signed} order by c.tree_size desc limit 1", null, cancellation);

    public Task<SignedCheckpoint?> AtAsync(long treeSize, CancellationToken cancellation) =>
        OneAsync($"{Signed} and c.tree_size = $1", treeSize, cancellation);

    /// <summary>The log's current key, its earlier keys, then each witness's (the contract's order).</summary>
    public async Task<IReadOnlyList<string>> VerifierKeysAsync(CancellationToken cancellation) =>
        [.. keys.Verifiers.Select(k => k.ToString()), .. (await witnesses.AllAsync(cancellation)).Select(w => w.Key.ToString())];

    private async Task<SignedCheckpoint?> OneAsync(string sql, long? treeSize, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand(sql);
        if (treeSize is { } size)
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = size });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation) ? Read(reader, await VerifierKeysAsync(cancellation)) : null;
    }

    private SignedCheckpoint Read(NpgsqlDataReader reader, IReadOnlyList<string> verifierKeys)
    {
        var body = reader.GetString(3);
        var lines = reader.GetFieldValue<string[]>(4);
        return new SignedCheckpoint(
            keys.Origin,
            reader.GetInt64(0),
            reader.GetFieldValue<byte[]>(1),
            reader.GetFieldValue<DateTimeOffset>(2),
            body + "\n" + string.Concat(lines.Select(line => line + "\n")),
            verifierKeys,
            reader.GetFieldValue<string[]>(5));
    }
}
