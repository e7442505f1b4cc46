namespace ErsouIntel.Domain.Transparency;

/// <summary>
/// A complete, aligned subtree of the log: level <see cref="Level"/>, index <see cref="Index"/> is the hash
/// of leaves [Index * 2^Level, (Index + 1) * 2^Level). Level 0 nodes are leaf hashes. Once complete, a node
/// never changes, which is why the store keeps exactly these.
/// </summary>
public readonly record struct NodeId(int Level, long Index)
{
    /// <summary>Index of the first leaf under this node.</summary>
    public long FirstLeaf => Index << Level;

    /// <summary>Number of leaves under this node.</summary>
    public long LeafCount => 1L << Level;
}
