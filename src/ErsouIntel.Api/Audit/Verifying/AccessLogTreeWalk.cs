using ErsouIntel.Domain.Transparency;

namespace ErsouIntel.Api.Audit.Verifying;

/// <summary>A checkpoint as the verifiers compare it: its size, its root and whether the log's signature on it verified.</summary>
public sealed record CheckedCheckpoint(long TreeSize, byte[] Root, bool SignatureValid);

/// <summary>
/// The tree's rule beside the chain's (<see cref="AccessLogChainWalk"/>), in one place for <c>verifyAccessLog</c>
/// and the offline <c>log verify</c>: fed every entry's leaf hash from sequence 1 in order, it recomputes the
/// Merkle tree from the entries themselves (keeping only its right edge), and at each signed checkpoint's size
/// compares the root with the one signed. It names the first sequence the checkpoints do not vouch for: after the
/// last checkpoint that still matches, the entry after it; a checkpoint whose signature does not verify, the
/// same; a checkpoint larger than the log (its newest entries deleted), the first entry missing.
/// </summary>
public sealed class AccessLogTreeWalk
{
    private readonly Queue<CheckedCheckpoint> checkpoints;
    private readonly Dictionary<NodeId, byte[]> edge = [];
    private long size;
    private long lastGood;

    public AccessLogTreeWalk(IEnumerable<CheckedCheckpoint> checkpoints)
    {
        this.checkpoints = new Queue<CheckedCheckpoint>(checkpoints.OrderBy(c => c.TreeSize));
        while (this.checkpoints.TryPeek(out var first) && first.TreeSize == 0)
        {
            this.checkpoints.Dequeue();
        }
    }

    /// <summary>The first sequence a signed checkpoint contradicts, or that one covers and the log no longer holds.</summary>
    public long? FirstInvalid { get; private set; }

    /// <summary>The entries fed so far: after <see cref="Finish"/>, a checkpoint larger than this means the log was cut.</summary>
    public long Size => size;

    /// <summary>The checkpoints compared so far.</summary>
    public int CheckpointsChecked { get; private set; }

    public void Add(byte[] leafHash)
    {
        foreach (var node in MerkleAppend.NodesCompletedBy(size, [leafHash], id => edge[id]))
        {
            edge[node.Id] = node.Hash.ToArray();
        }

        size++;
        var keep = MerkleProofs.NodesForRoot(size).ToHashSet();
        foreach (var gone in edge.Keys.Where(id => !keep.Contains(id)).ToList())
        {
            edge.Remove(gone);
        }

        while (checkpoints.TryPeek(out var next) && next.TreeSize == size)
        {
            checkpoints.Dequeue();
            CheckpointsChecked++;
            var root = MerkleProofs.Root(size, id => edge[id]);
            if (next.SignatureValid && root.AsSpan().SequenceEqual(next.Root))
            {
                lastGood = size;
            }
            else
            {
                FirstInvalid ??= lastGood + 1;
            }
        }
    }

    /// <summary>Call after the last entry: a checkpoint larger than the log means entries it covered are gone.</summary>
    public void Finish()
    {
        if (checkpoints.Count > 0)
        {
            CheckpointsChecked += checkpoints.Count;
            FirstInvalid ??= size + 1;
            checkpoints.Clear();
        }
    }
}
