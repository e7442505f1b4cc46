namespace ErsouIntel.Domain.Transparency;

/// <summary>
/// Tree heads and RFC 9162 audit paths computed from stored complete subtrees (<see cref="NodeId"/>).
/// Each question comes in two halves: <c>NodesFor...</c> says which stored nodes are needed (so the caller can
/// fetch them in one query), and the same-named function computes the answer from a lookup of those nodes.
/// Every answer needs O(log N) nodes.
/// </summary>
/// <remarks>
/// The RFC defines proofs recursively over ranges D[a:b]. Every range that recursion visits starts at a multiple
/// of a power of two at least as large as the range, so it splits, by the binary digits of its length, into
/// complete aligned subtrees; folding their hashes from the right gives MTH(D[a:b]). Ranges left of the right
/// edge are a single stored node; only ranges touching the tree's right edge need more than one.
/// </remarks>
public static class MerkleProofs
{
    /// <summary>The nodes whose hashes fold into the root of the tree of <paramref name="size"/> leaves.</summary>
    public static IReadOnlyList<NodeId> NodesForRoot(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return Decompose(0, size);
    }

    /// <summary>MTH(D[0:size]); the empty tree's root when size is 0.</summary>
    public static byte[] Root(long size, Func<NodeId, byte[]> node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return size == 0 ? MerkleHash.EmptyRoot() : RangeHash(0, size, node);
    }

    /// <summary>The nodes needed for <see cref="Inclusion"/>.</summary>
    public static IReadOnlyList<NodeId> NodesForInclusion(long index, long size) =>
        NodesOf(InclusionRanges(index, size));

    /// <summary>RFC 9162 2.1.3.1 PATH(index, D[0:size]), nearest the leaf first.</summary>
    public static byte[][] Inclusion(long index, long size, Func<NodeId, byte[]> node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return [.. InclusionRanges(index, size).Select(r => RangeHash(r.Start, r.End, node))];
    }

    /// <summary>The nodes needed for <see cref="Consistency"/>.</summary>
    public static IReadOnlyList<NodeId> NodesForConsistency(long fromSize, long toSize) =>
        NodesOf(ConsistencyRanges(fromSize, toSize));

    /// <summary>
    /// RFC 9162 2.1.4.1 PROOF(fromSize, D[0:toSize]). Empty when fromSize is 0 or equals toSize: those
    /// trees are consistent with anything and with themselves, and the RFC defines no proof for them.
    /// </summary>
    public static byte[][] Consistency(long fromSize, long toSize, Func<NodeId, byte[]> node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return [.. ConsistencyRanges(fromSize, toSize).Select(r => RangeHash(r.Start, r.End, node))];
    }

    /// <summary>The complete aligned subtrees covering [start, end), largest (leftmost) first.</summary>
    public static IReadOnlyList<NodeId> Decompose(long start, long end)
    {
        if (start < 0 || end < start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), $"[{start}, {end}) is not a range of leaves.");
        }
        var nodes = new List<NodeId>();
        var at = start;
        while (at < end)
        {
            // The largest subtree that is both aligned at `at` and fits before `end`.
            var level = 62;
            while ((1L << level) > end - at || (at & ((1L << level) - 1)) != 0)
            {
                level--;
            }
            nodes.Add(new NodeId(level, at >> level));
            at += 1L << level;
        }
        return nodes;
    }

    private static byte[] RangeHash(long start, long end, Func<NodeId, byte[]> node)
    {
        var parts = Decompose(start, end);
        var hash = node(parts[^1]);
        for (var i = parts.Count - 2; i >= 0; i--)
        {
            hash = MerkleHash.NodeHash(node(parts[i]), hash);
        }
        return hash;
    }

    private static List<NodeId> NodesOf(List<(long Start, long End)> ranges) =>
        [.. ranges.SelectMany(r => Decompose(r.Start, r.End)).Distinct()];

    private static List<(long Start, long End)> InclusionRanges(long index, long size)
    {
        if (index < 0 || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Leaf {index} is not in a tree of size {size}.");
        }
        // Walk down from the root; each step's sibling is one path element, and the RFC lists them leaf first.
        var path = new List<(long, long)>();
        long start = 0, end = size;
        while (end - start > 1)
        {
            var k = LargestPowerOfTwoBelow(end - start);
            if (index < start + k)
            {
                path.Add((start + k, end));
                end = start + k;
            }
            else
            {
                path.Add((start, start + k));
                start += k;
            }
        }
        path.Reverse();
        return path;
    }

    private static List<(long Start, long End)> ConsistencyRanges(long fromSize, long toSize)
    {
        if (fromSize < 0 || fromSize > toSize)
        {
            throw new ArgumentOutOfRangeException(nameof(fromSize), $"No consistency proof from size {fromSize} to {toSize}.");
        }
        var proof = new List<(long, long)>();
        if (fromSize == 0 || fromSize == toSize)
        {
            return proof;
        }
        // SUBPROOF(m, D[start:end], b), unrolled: the RFC appends each sibling after the deeper part of the proof.
        long m = fromSize, start = 0, end = toSize;
        var wholeOldTree = true;
        while (m != end - start)
        {
            var k = LargestPowerOfTwoBelow(end - start);
            if (m <= k)
            {
                proof.Add((start + k, end));
                end = start + k;
            }
            else
            {
                proof.Add((start, start + k));
                m -= k;
                start += k;
                wholeOldTree = false;
            }
        }
        if (!wholeOldTree)
        {
            proof.Add((start, end));
        }
        proof.Reverse();
        return proof;
    }

    /// <summary>The k of RFC 9162: the largest power of two strictly less than n (n &gt; 1).</summary>
    internal static long LargestPowerOfTwoBelow(long n)
    {
        var k = 1L;
        while (k << 1 < n)
        {
            k <<= 1;
        }
        return k;
    }
}
