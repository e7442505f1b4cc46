namespace ErsouIntel.Domain.Transparency;

/// <summary>RFC 9162 proof verification (sections 2.1.3.2 and 2.1.4.2), for auditors who trust no database.</summary>
public static class MerkleVerifier
{
    /// <summary>True when <paramref name="proof"/> shows leaf <paramref name="index"/> is in the tree with <paramref name="root"/>.</summary>
    public static bool VerifyInclusion(
        ReadOnlySpan<byte> leafHash, long index, long size, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (index < 0 || index >= size || leafHash.Length != MerkleHash.Size || root.Length != MerkleHash.Size)
        {
            return false;
        }
        var fn = index;
        var sn = size - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0 || p is not { Length: MerkleHash.Size })
            {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleHash.NodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = MerkleHash.NodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>
    /// True when <paramref name="proof"/> shows the tree of <paramref name="fromSize"/> leaves with
    /// <paramref name="fromRoot"/> is a prefix of the tree of <paramref name="toSize"/> with <paramref name="toRoot"/>.
    /// Equal sizes need equal roots and an empty proof; size 0 is a prefix of anything, with an empty proof.
    /// </summary>
    public static bool VerifyConsistency(
        long fromSize, long toSize, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> fromRoot, ReadOnlySpan<byte> toRoot)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (fromSize < 0 || fromSize > toSize)
        {
            return false;
        }
        if (fromSize == 0)
        {
            return proof.Count == 0;
        }
        if (fromSize == toSize)
        {
            return proof.Count == 0 && fromRoot.SequenceEqual(toRoot);
        }
        if (proof.Count == 0 || fromRoot.Length != MerkleHash.Size || toRoot.Length != MerkleHash.Size
            || proof.Any(p => p is not { Length: MerkleHash.Size }))
        {
            return false;
        }

        var path = new List<byte[]>(proof.Count + 1);
        if ((fromSize & (fromSize - 1)) == 0)
        {
            path.Add(fromRoot.ToArray());
        }
        path.AddRange(proof);

        var fn = fromSize - 1;
        var sn = toSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        var fr = path[0];
        var sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleHash.NodeHash(c, fr);
                sr = MerkleHash.NodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = MerkleHash.NodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && fr.AsSpan().SequenceEqual(fromRoot) && sr.AsSpan().SequenceEqual(toRoot);
    }
}
