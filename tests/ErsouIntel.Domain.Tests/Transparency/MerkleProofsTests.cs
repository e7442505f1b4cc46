using System.Numerics;
using ErsouIntel.Domain.Transparency;

namespace ErsouIntel.Domain.Tests.Transparency;

public class MerkleProofsTests
{
    private const int MaxSize = 300;

    private static readonly byte[][] LeafHashes =
        [.. Enumerable.Range(0, MaxSize).Select(i => MerkleHash.LeafHash(BitConverter.GetBytes(i * 7919)))];

    // The log's node table, filled the way the log fills it: by appends of uneven batches.
    private static readonly Dictionary<NodeId, byte[]> Store = BuildStore();

    private static Dictionary<NodeId, byte[]> BuildStore()
    {
        var store = new Dictionary<NodeId, byte[]>();
        var random = new Random(19);
        var size = 0;
        while (size < MaxSize)
        {
            var batch = Math.Min(random.Next(1, 40), MaxSize - size);
            var needed = MerkleAppend.NodesNeeded(size).ToHashSet();
            var added = MerkleAppend.NodesCompletedBy(size, LeafHashes[size..(size + batch)], id =>
            {
                Assert.Contains(id, needed);
                return store[id];
            });
            foreach (var node in added)
            {
                Assert.True(store.TryAdd(node.Id, node.Hash.ToArray()), $"{node.Id} was completed twice");
            }
            size += batch;
        }
        return store;
    }

    private static Func<NodeId, byte[]> Only(IReadOnlyList<NodeId> allowed)
    {
        var set = allowed.ToHashSet();
        return id => set.Contains(id) ? Store[id] : throw new InvalidOperationException($"{id} was read but not listed as needed");
    }

    private static Func<NodeId, byte[]> StoreOf(byte[][] leaves)
    {
        var store = MerkleAppend.NodesCompletedBy(0, leaves, _ => throw new InvalidOperationException())
            .ToDictionary(n => n.Id, n => n.Hash.ToArray());
        return id => store[id];
    }

    private static int BitLength(long n) => 64 - BitOperations.LeadingZeroCount((ulong)n);

    [Fact]
    public void Leaf_and_empty_hashes_match_the_reference_data()
    {
        Assert.Equal(MerkleTestVectors.EmptyRoot, Convert.ToHexStringLower(MerkleHash.EmptyRoot()));
        Assert.Equal(MerkleTestVectors.Roots[0], Convert.ToHexStringLower(MerkleHash.LeafHash([])));
    }

    [Fact]
    public void Roots_of_the_reference_trees_match_the_published_ones()
    {
        var leaves = MerkleTestVectors.Leaves.Select(l => MerkleHash.LeafHash(l)).ToArray();
        var node = StoreOf(leaves);
        Assert.Equal(MerkleTestVectors.EmptyRoot, Convert.ToHexStringLower(MerkleProofs.Root(0, node)));
        for (var n = 1; n <= 8; n++)
        {
            Assert.Equal(MerkleTestVectors.Roots[n - 1], Convert.ToHexStringLower(MerkleProofs.Root(n, node)));
        }
    }

    [Fact]
    public void Inclusion_proofs_of_the_reference_trees_match_the_published_ones_and_verify()
    {
        var leaves = MerkleTestVectors.Leaves.Select(l => MerkleHash.LeafHash(l)).ToArray();
        var node = StoreOf(leaves);
        foreach (var (index, size, expected) in MerkleTestVectors.Inclusion)
        {
            var proof = MerkleProofs.Inclusion(index, size, node);
            Assert.Equal(expected, proof.Select(Convert.ToHexStringLower));
            var root = MerkleTestVectors.Hex(MerkleTestVectors.Roots[size - 1]);
            Assert.True(MerkleVerifier.VerifyInclusion(leaves[index], index, size, proof, root));
        }
    }

    [Fact]
    public void Consistency_proofs_of_the_reference_trees_match_the_published_ones_and_verify()
    {
        var leaves = MerkleTestVectors.Leaves.Select(l => MerkleHash.LeafHash(l)).ToArray();
        var node = StoreOf(leaves);
        foreach (var (from, to, expected) in MerkleTestVectors.Consistency)
        {
            var proof = MerkleProofs.Consistency(from, to, node);
            Assert.Equal(expected, proof.Select(Convert.ToHexStringLower));
            Assert.True(MerkleVerifier.VerifyConsistency(
                from, to, proof,
                MerkleTestVectors.Hex(MerkleTestVectors.Roots[from - 1]),
                MerkleTestVectors.Hex(MerkleTestVectors.Roots[to - 1])));
        }
    }

    [Fact]
    public void Appends_in_batches_store_exactly_the_complete_subtrees()
    {
        var naive = new NaiveMerkleTree(LeafHashes);
        var expected = new HashSet<NodeId>();
        for (var level = 0; (1 << level) <= MaxSize; level++)
        {
            for (var index = 0; (index + 1) << level <= MaxSize; index++)
            {
                var id = new NodeId(level, index);
                expected.Add(id);
                Assert.Equal(naive.Mth(index << level, (index + 1) << level), Store[id]);
            }
        }
        Assert.Equal(expected.Count, Store.Count);
    }

    [Fact]
    public void For_every_size_to_300_roots_and_every_inclusion_proof_equal_the_RFC_definitions_and_verify()
    {
        var naive = new NaiveMerkleTree(LeafHashes);
        for (var size = 1; size <= MaxSize; size++)
        {
            var rootNodes = MerkleProofs.NodesForRoot(size);
            Assert.True(rootNodes.Count <= BitLength(size));
            var root = MerkleProofs.Root(size, Only(rootNodes));
            Assert.Equal(naive.Mth(0, size), root);

            for (var index = 0; index < size; index++)
            {
                var needed = MerkleProofs.NodesForInclusion(index, size);
                Assert.True(needed.Count <= 2 * BitLength(size), $"{needed.Count} nodes for leaf {index} of {size}");
                var proof = MerkleProofs.Inclusion(index, size, Only(needed));
                Assert.Equal(naive.Path(index, 0, size), proof);
                Assert.True(MerkleVerifier.VerifyInclusion(LeafHashes[index], index, size, proof, root),
                    $"leaf {index} of {size} did not verify");
            }
        }
    }

    [Fact]
    public void For_every_pair_of_sizes_to_300_consistency_proofs_equal_the_RFC_definition_and_verify()
    {
        var naive = new NaiveMerkleTree(LeafHashes);
        for (var to = 1; to <= MaxSize; to++)
        {
            var toRoot = naive.Mth(0, to);
            for (var from = 0; from <= to; from++)
            {
                var needed = MerkleProofs.NodesForConsistency(from, to);
                Assert.True(needed.Count <= 3 * BitLength(to), $"{needed.Count} nodes for {from} to {to}");
                var proof = MerkleProofs.Consistency(from, to, Only(needed));
                Assert.Equal(naive.Proof(from, to), proof);
                Assert.True(MerkleVerifier.VerifyConsistency(from, to, proof, naive.Mth(0, from), toRoot),
                    $"{from} to {to} did not verify");
            }
        }
    }

    [Fact]
    public void Tampered_inclusion_proofs_fail()
    {
        for (var size = 1; size <= 70; size++)
        {
            var root = MerkleProofs.Root(size, id => Store[id]);
            for (var index = 0; index < size; index++)
            {
                var proof = MerkleProofs.Inclusion(index, size, id => Store[id]);
                var leaf = LeafHashes[index];
                foreach (var (bad, why) in Tamper(proof, root))
                {
                    Assert.False(MerkleVerifier.VerifyInclusion(leaf, index, size, bad, root), $"{why}: leaf {index} of {size}");
                }
                Assert.False(MerkleVerifier.VerifyInclusion(leaf, index + 1, size, proof, root));
                Assert.False(MerkleVerifier.VerifyInclusion(leaf, index ^ 2, size, proof, root));
                Assert.False(MerkleVerifier.VerifyInclusion(leaf, index, size * 2, proof, root));
                Assert.False(MerkleVerifier.VerifyInclusion(LeafHashes[(index + 1) % MaxSize], index, size, proof, root));
                Assert.False(MerkleVerifier.VerifyInclusion(leaf, index, size, proof, LeafHashes[299]));
                if (index > 0)
                {
                    Assert.False(MerkleVerifier.VerifyInclusion(leaf, index - 1, size, proof, root));
                }
                if (size > 1)
                {
                    Assert.False(MerkleVerifier.VerifyInclusion(leaf, index, size / 2, proof, root));
                }
            }
        }
    }

    [Fact]
    public void Tampered_consistency_proofs_fail()
    {
        for (var to = 2; to <= 70; to++)
        {
            var toRoot = MerkleProofs.Root(to, id => Store[id]);
            for (var from = 1; from < to; from++)
            {
                var fromRoot = MerkleProofs.Root(from, id => Store[id]);
                var proof = MerkleProofs.Consistency(from, to, id => Store[id]);
                foreach (var (bad, why) in Tamper(proof, toRoot))
                {
                    Assert.False(MerkleVerifier.VerifyConsistency(from, to, bad, fromRoot, toRoot), $"{why}: {from} to {to}");
                }
                Assert.False(MerkleVerifier.VerifyConsistency(from, to, [], fromRoot, toRoot));
                Assert.False(MerkleVerifier.VerifyConsistency(from, to, proof, toRoot, fromRoot));
                Assert.False(MerkleVerifier.VerifyConsistency(from, to, proof, LeafHashes[299], toRoot));
                Assert.False(MerkleVerifier.VerifyConsistency(from, to, proof, fromRoot, LeafHashes[299]));
                Assert.False(MerkleVerifier.VerifyConsistency(from - 1, to, proof, fromRoot, toRoot));
                Assert.False(MerkleVerifier.VerifyConsistency(from + 1, to, proof, fromRoot, toRoot));
                Assert.False(MerkleVerifier.VerifyConsistency(from, to * 2, proof, fromRoot, toRoot));
                Assert.False(MerkleVerifier.VerifyConsistency(to, from, proof, toRoot, fromRoot));
            }
        }
    }

    [Fact]
    public void Degenerate_sizes_follow_the_RFC()
    {
        var root = MerkleProofs.Root(5, id => Store[id]);
        Assert.True(MerkleVerifier.VerifyConsistency(5, 5, [], root, root));
        Assert.False(MerkleVerifier.VerifyConsistency(5, 5, [root], root, root));
        Assert.False(MerkleVerifier.VerifyConsistency(5, 5, [], root, LeafHashes[0]));
        Assert.True(MerkleVerifier.VerifyConsistency(0, 5, [], MerkleHash.EmptyRoot(), root));
        Assert.False(MerkleVerifier.VerifyInclusion(LeafHashes[0], 0, 0, [], MerkleHash.EmptyRoot()));
        Assert.False(MerkleVerifier.VerifyInclusion(LeafHashes[0], -1, 5, [], root));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.NodesForInclusion(5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleProofs.NodesForConsistency(6, 5));
        Assert.Empty(MerkleProofs.NodesForRoot(0));
    }

    private static IEnumerable<(byte[][] Proof, string Why)> Tamper(byte[][] proof, byte[] root)
    {
        for (var i = 0; i < proof.Length; i++)
        {
            var flipped = proof.Select(p => p.ToArray()).ToArray();
            flipped[i][0] ^= 8;
            yield return (flipped, $"bit flipped in element {i}");
        }
        if (proof.Length > 0)
        {
            yield return (proof[..^1], "last element removed");
            yield return ([proof[0], .. proof], "first element repeated");
        }
        yield return ([.. proof, root], "root appended");
        yield return ([root, .. proof], "root prepended");
        yield return ([.. proof, new byte[32]], "zeros appended");
        yield return ([.. proof, []], "empty element appended");
    }
}
