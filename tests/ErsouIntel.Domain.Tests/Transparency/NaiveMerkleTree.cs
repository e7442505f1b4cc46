using ErsouIntel.Domain.Transparency;

namespace ErsouIntel.Domain.Tests.Transparency;

/// <summary>
/// RFC 9162 section 2.1 written as the RFC writes it (recursion over D[a:b]), with no stored nodes, so the
/// node-source implementation is checked against the definitions rather than against itself. MTH results are
/// memoised only to keep the exhaustive tests fast.
/// </summary>
internal sealed class NaiveMerkleTree(IReadOnlyList<byte[]> leafHashes)
{
    private readonly Dictionary<(int, int), byte[]> _mth = [];

    public byte[] Mth(int start, int end)
    {
        if (end == start)
        {
            return MerkleHash.EmptyRoot();
        }
        if (end - start == 1)
        {
            return leafHashes[start];
        }
        if (_mth.TryGetValue((start, end), out var known))
        {
            return known;
        }
        var k = K(end - start);
        var hash = MerkleHash.NodeHash(Mth(start, start + k), Mth(start + k, end));
        _mth[(start, end)] = hash;
        return hash;
    }

    // PATH(m, D[n]) of 2.1.3.1, over D[start:end].
    public List<byte[]> Path(int m, int start, int end)
    {
        var n = end - start;
        if (n == 1)
        {
            return [];
        }
        var k = K(n);
        if (m < k)
        {
            return [.. Path(m, start, start + k), Mth(start + k, end)];
        }
        return [.. Path(m - k, start + k, end), Mth(start, start + k)];
    }

    // PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of 2.1.4.1.
    public List<byte[]> Proof(int m, int n) => m == 0 || m == n ? [] : SubProof(m, 0, n, true);

    private List<byte[]> SubProof(int m, int start, int end, bool b)
    {
        var n = end - start;
        if (m == n)
        {
            return b ? [] : [Mth(start, end)];
        }
        var k = K(n);
        if (m <= k)
        {
            return [.. SubProof(m, start, start + k, b), Mth(start + k, end)];
        }
        return [.. SubProof(m - k, start + k, end, false), Mth(start, start + k)];
    }

    private static int K(int n)
    {
        var k = 1;
        while (k << 1 < n)
        {
            k <<= 1;
        }
        return k;
    }
}
