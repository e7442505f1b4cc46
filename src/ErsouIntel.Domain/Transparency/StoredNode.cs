namespace ErsouIntel.Domain.Transparency;

/// <summary>A node and its hash, as the log keeps it.</summary>
public readonly record struct StoredNode(NodeId Id, ReadOnlyMemory<byte> Hash);
