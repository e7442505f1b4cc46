using ErsouIntel.Api.Audit.Checkpoints;
using ErsouIntel.Api.Audit.Tree;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Domain.Transparency;
using GraphQL;
using Npgsql;

namespace ErsouIntel.Api.Audit.Proofs;

/// <summary>The contract's <c>InclusionProof</c>: hashes in base64, the path nearest the leaf first.</summary>
public sealed record InclusionProof(long Sequence, long TreeSize, string LeafHash, IReadOnlyList<string> Path);

/// <summary>The contract's <c>ConsistencyProof</c>.</summary>
public sealed record ConsistencyProof(long FromSize, long ToSize, IReadOnlyList<string> Path);

/// <summary>
/// RFC 9162 audit paths from the stored tree: one statement reads the O(log N) nodes a proof needs, never the log.
/// Proofs are given only for sizes the log signed a checkpoint at, the only roots anyone can check them against.
/// </summary>
public sealed class LogProofs(NpgsqlDataSource db)
{
    public async Task<InclusionProof> InclusionAsync(long sequence, long treeSize, CancellationToken cancellation)
    {
        if (sequence < 1 || sequence > treeSize)
        {
            throw BadInput($"sequence must be between 1 and treeSize ({treeSize}).");
        }

        var index = sequence - 1;
        var leaf = new NodeId(0, index);
        var nodes = await SignedNodesAsync([treeSize], [leaf, .. MerkleProofs.NodesForInclusion(index, treeSize)], cancellation);
        var path = MerkleProofs.Inclusion(index, treeSize, id => nodes[id]);
        return new InclusionProof(sequence, treeSize, Convert.ToBase64String(nodes[leaf]), [.. path.Select(Convert.ToBase64String)]);
    }

    public async Task<ConsistencyProof> ConsistencyAsync(long fromSize, long toSize, CancellationToken cancellation)
    {
        if (fromSize < 1 || toSize < fromSize)
        {
            throw BadInput("fromSize must be at least 1 and toSize at least fromSize.");
        }

        var nodes = await SignedNodesAsync([fromSize, toSize], MerkleProofs.NodesForConsistency(fromSize, toSize), cancellation);
        var path = MerkleProofs.Consistency(fromSize, toSize, id => nodes[id]);
        return new ConsistencyProof(fromSize, toSize, [.. path.Select(Convert.ToBase64String)]);
    }

    /// <summary>
    /// The nodes a proof needs, on one connection, after checking that every size it is for was signed (the one
    /// question proofs ask of the checkpoints: a cheap existence test, not the checkpoint's note).
    /// </summary>
    private async Task<Dictionary<NodeId, byte[]>> SignedNodesAsync(long[] sizes, IReadOnlyCollection<NodeId> ids, CancellationToken cancellation)
    {
        await using var connection = await db.OpenConnectionAsync(cancellation);
        await using (var signed = new NpgsqlCommand(
            $"select s from unnest($1::bigint[]) s where not exists (select 1 from {CheckpointSchema.Signatures} g where g.tree_size = s and g.kind = '{CheckpointSchema.LogKind}')",
            connection))
        {
            signed.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = sizes });
            if (await signed.ExecuteScalarAsync(cancellation) is long unsigned)
            {
                throw BadInput($"{unsigned} is not a size the log signed a checkpoint at.");
            }
        }

        var nodes = await AccessLogTree.NodesAsync(connection, null, ids, cancellation);
        if (nodes.Count != ids.Distinct().Count())
        {
            // A signed size whose nodes are gone: the tree was tampered with. verifyAccessLog says where.
            throw new ExecutionError("The log's tree lacks nodes a signed checkpoint covers: run verifyAccessLog.") { Code = ErrorCodes.Internal };
        }

        return nodes;
    }

    private static ExecutionError BadInput(string message) => new(message) { Code = ErrorCodes.BadUserInput };
}
