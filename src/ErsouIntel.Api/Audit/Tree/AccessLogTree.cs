using ErsouIntel.Api.Storage;
using ErsouIntel.Domain.Transparency;
using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace ErsouIntel.Api.Audit.Tree;

/// <summary>
/// The access log as a Merkle tree (RFC 9162 section 2.1): <c>ersou.access_log_tree</c> keeps the hash of
/// every complete aligned subtree (<see cref="NodeId"/>), written once, when the subtree becomes complete,
/// inside the same transaction as the entries that complete it (<see cref="AppendAsync"/>): the tree never
/// runs ahead of or behind the log it covers, and there is no second point where appends queue. Roots,
/// proofs and tiles then read O(log N) rows, never the log.
/// </summary>
public static class AccessLogTree
{
    public const string Table = "ersou.access_log_tree";

    public static IEnumerable<Weasel.Core.ISchemaObject> Objects()
    {
        var tree = new Table(EventStore.Table("access_log_tree"));
        tree.AddColumn("level", "smallint").AsPrimaryKey();
        tree.AddColumn<long>("index").AsPrimaryKey();
        tree.AddColumn("hash", "bytea").NotNull();
        yield return tree;
    }

    /// <summary>A leaf: SHA-256(0x00 || the entry's canonical bytes), the same bytes the hash chain hashes.</summary>
    public static byte[] LeafHash(StoredEntry entry) => MerkleHash.LeafHash(AccessLogChain.CanonicalBytes(entry));

    /// <summary>The number of leaves the tree holds: one past the last level-0 node (an index scan of the key's end).</summary>
    public const string SizeSql = $"(select coalesce(max(index) + 1, 0) from {Table} where level = 0)";

    /// <summary>
    /// Inside an append's transaction, under the append lock: adds the leaf hashes <paramref name="appended"/> of the
    /// entries that follow entry <paramref name="head"/>, and every node they complete. When the tree is behind the
    /// log (entries written before the service kept a tree, or by an instance that did not), it adds nothing: a
    /// request never pays for the backlog; <see cref="CatchUpAsync"/> brings the tree up, in batches, and appends
    /// extend it again from then on.
    /// </summary>
    public static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long treeSize, long head, IReadOnlyList<byte[]> appended, CancellationToken cancellation)
    {
        if (treeSize != head || appended.Count == 0)
        {
            return;
        }

        var needed = MerkleAppend.NodesNeeded(treeSize);
        var frontier = await NodesAsync(connection, transaction, needed, cancellation);
        if (frontier.Count != needed.Count)
        {
            // Nodes gone from under the tree (only someone holding the database can do that): the entries are still
            // logged and the request still answered; the tree stops here, the signer says so, and proofs fail.
            return;
        }

        await InsertAsync(connection, transaction, MerkleAppend.NodesCompletedBy(treeSize, appended, id => frontier[id]), cancellation);
    }

    /// <summary>
    /// Brings the tree up to the log, at most <paramref name="batch"/> leaves per transaction, each under the append
    /// lock: what the checkpoint signer does before each checkpoint, so that entries the tree does not hold yet (the
    /// log as it was when the service first started with a tree) are added once, in the background. Returns the leaves added.
    /// </summary>
    public static async Task<long> CatchUpAsync(NpgsqlDataSource db, int batch, CancellationToken cancellation)
    {
        long added = 0;
        while (true)
        {
            // Looked at without the lock first: this runs often, and the lock is every request's.
            await using (var look = db.CreateCommand($"select {SizeSql} < coalesce((select max(sequence) from {AccessLogSchema.Table}), 0)"))
            {
                if (!(bool)(await look.ExecuteScalarAsync(cancellation))!)
                {
                    return added;
                }
            }

            await using var connection = await db.OpenConnectionAsync(cancellation);
            await using var transaction = await connection.BeginTransactionAsync(cancellation);
            await using (var take = new NpgsqlCommand("select pg_advisory_xact_lock($1)", connection, transaction))
            {
                take.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Writing.AccessLogWriter.AppendLock });
                await take.ExecuteNonQueryAsync(cancellation);
            }

            long size, head;
            await using (var sizes = new NpgsqlCommand(
                $"select {SizeSql}, coalesce((select max(sequence) from {AccessLogSchema.Table}), 0)", connection, transaction))
            await using (var reader = await sizes.ExecuteReaderAsync(cancellation))
            {
                await reader.ReadAsync(cancellation);
                size = reader.GetInt64(0);
                head = reader.GetInt64(1);
            }

            if (size >= head)
            {
                return added;
            }

            var to = Math.Min(head, size + batch);
            var leaves = await LeavesAsync(connection, transaction, size + 1, to, cancellation);
            var needed = MerkleAppend.NodesNeeded(size);
            var frontier = await NodesAsync(connection, transaction, needed, cancellation);
            if (frontier.Count != needed.Count)
            {
                throw new InvalidOperationException($"The log's tree lacks nodes on its right edge at size {size}: it cannot be extended. Run verifyAccessLog.");
            }

            await InsertAsync(connection, transaction, MerkleAppend.NodesCompletedBy(size, leaves, id => frontier[id]), cancellation);
            await transaction.CommitAsync(cancellation);
            added += leaves.Count;
        }
    }

    /// <summary>The stored nodes asked for, in one statement; a node that is not stored is simply absent.</summary>
    public static async Task<Dictionary<NodeId, byte[]>> NodesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<NodeId> ids, CancellationToken cancellation)
    {
        var nodes = new Dictionary<NodeId, byte[]>(ids.Count);
        if (ids.Count == 0)
        {
            return nodes;
        }

        await using var command = new NpgsqlCommand(
            $"select t.level, t.index, t.hash from {Table} t join unnest($1::smallint[], $2::bigint[]) as wanted(level, index) using (level, index)",
            connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<short[]> { TypedValue = [.. ids.Select(id => (short)id.Level)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. ids.Select(id => id.Index)] });
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            nodes[new NodeId(reader.GetInt16(0), reader.GetInt64(1))] = reader.GetFieldValue<byte[]>(2);
        }

        return nodes;
    }

    /// <summary>The nodes of one tree level in [<paramref name="from"/>, <paramref name="to"/>), in order: a tile's hashes.</summary>
    public static async Task<IReadOnlyList<byte[]>> RangeAsync(NpgsqlDataSource db, int level, long from, long to, CancellationToken cancellation)
    {
        await using var command = db.CreateCommand($"select hash from {Table} where level = $1 and index >= $2 and index < $3 order by index");
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)level });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
        var hashes = new List<byte[]>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            hashes.Add(reader.GetFieldValue<byte[]>(0));
        }

        return hashes;
    }

    private static async Task<List<byte[]>> LeavesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long from, long to, CancellationToken cancellation)
    {
        var leaves = new List<byte[]>((int)Math.Min(to - from + 1, 100_000));
        await using var command = new NpgsqlCommand(
            $"select {AccessLogSchema.Columns} from {AccessLogSchema.Table} l where l.sequence between $1 and $2 order by l.sequence", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var expected = from;
        while (await reader.ReadAsync(cancellation))
        {
            var (entry, _) = AccessLogSchema.Read(reader);
            if (entry.Sequence != expected)
            {
                // The tree's leaves are contiguous or it proves nothing: a gap is for verifyAccessLog to name, not to paper over.
                throw new InvalidOperationException($"The access log has no entry {expected}: the tree cannot be extended past it. Run verifyAccessLog.");
            }

            leaves.Add(LeafHash(entry));
            expected++;
        }

        if (expected != to + 1)
        {
            throw new InvalidOperationException($"The access log has no entry {expected}: the tree cannot be extended past it. Run verifyAccessLog.");
        }

        return leaves;
    }

    private static async Task InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<StoredNode> nodes, CancellationToken cancellation)
    {
        await using var insert = new NpgsqlCommand(
            $"insert into {Table}(level, index, hash) select * from unnest($1::smallint[], $2::bigint[], $3::bytea[])", connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter<short[]> { TypedValue = [.. nodes.Select(n => (short)n.Id.Level)] });
        insert.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. nodes.Select(n => n.Id.Index)] });
        insert.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. nodes.Select(n => n.Hash.ToArray())], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        await insert.ExecuteNonQueryAsync(cancellation);
    }
}
