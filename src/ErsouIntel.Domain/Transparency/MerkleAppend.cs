namespace ErsouIntel.Domain.Transparency;

/// <summary>
/// Which stored nodes an append completes. Used inside the log's append transaction so that every complete
/// subtree is written exactly once, at the moment it becomes complete.
/// </summary>
public static class MerkleAppend
{
    /// <summary>
    /// The stored nodes <see cref="NodesCompletedBy"/> may read: the complete subtrees on the right edge of the
    /// tree of <paramref name="oldSize"/> leaves (at most one per level).
    /// </summary>
    public static IReadOnlyList<NodeId> NodesNeeded(long oldSize) => MerkleProofs.NodesForRoot(oldSize);

    /// <summary>
    /// Every node that becomes complete when <paramref name="appendedLeafHashes"/> are appended to a tree of
    /// <paramref name="oldSize"/> leaves: the new leaves themselves (level 0) and each interior node they
    /// complete, in an order where children come before parents. <paramref name="storedNode"/> is asked only
    /// for nodes listed by <see cref="NodesNeeded"/>.
    /// </summary>
    public static IReadOnlyList<StoredNode> NodesCompletedBy(
        long oldSize, IReadOnlyList<byte[]> appendedLeafHashes, Func<NodeId, byte[]> storedNode)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oldSize);
        ArgumentNullException.ThrowIfNull(appendedLeafHashes);
        ArgumentNullException.ThrowIfNull(storedNode);

        var created = new Dictionary<NodeId, byte[]>();
        var result = new List<StoredNode>();
        for (var i = 0; i < appendedLeafHashes.Count; i++)
        {
            var leaf = appendedLeafHashes[i];
            if (leaf is not { Length: MerkleHash.Size })
            {
                throw new ArgumentException($"Leaf hash {i} is not 32 bytes.", nameof(appendedLeafHashes));
            }
            var id = new NodeId(0, oldSize + i);
            var hash = leaf;
            created[id] = hash;
            result.Add(new StoredNode(id, hash));
            // A right child completes its parent; climb while we are a right child.
            while ((id.Index & 1) == 1)
            {
                var sibling = new NodeId(id.Level, id.Index - 1);
                var left = created.TryGetValue(sibling, out var fresh) ? fresh : storedNode(sibling);
                id = new NodeId(id.Level + 1, id.Index >> 1);
                hash = MerkleHash.NodeHash(left, hash);
                created[id] = hash;
                result.Add(new StoredNode(id, hash));
            }
        }
        return result;
    }
}
