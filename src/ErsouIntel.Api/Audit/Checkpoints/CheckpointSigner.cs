using ErsouIntel.Api.Audit.Tree;
using ErsouIntel.Api.Storage.Replicas;
using ErsouIntel.Domain.Transparency;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ErsouIntel.Api.Audit.Checkpoints;

/// <summary>
/// Signs a checkpoint of the access log whenever entries have arrived since the last one: every instance looks
/// every <see cref="LogOptions.CheckpointInterval"/>, and the one that takes the signing lock signs.
/// <para>
/// Order matters twice. The tree of size N is read, and the checkpoint's row (size, root, text) committed,
/// <em>before</em> the log's signature is written in a second transaction: a commit that wrote something returns
/// only once its WAL, and so every entry the signer saw committed before it, is durable wherever
/// <c>synchronous_commit</c> asks (a synchronous standby included). Only then is the checkpoint served, so a
/// failover can never lose an entry a served checkpoint covers, and the log never signs two roots for one size.
/// And two signers of one size sign the same root: the tree's nodes are written once and never change.
/// </para>
/// <para>
/// With standbys, the signature also waits until every standby streaming has flushed the primary's WAL past that commit
/// (<see cref="StandbyFlush"/>): a promoted standby then holds every entry a signed checkpoint covers, so witnesses
/// never see a fork. A standby that lags only delays the next signature.
/// </para>
/// </summary>
public sealed partial class CheckpointSigner(NpgsqlDataSource db, LogKeys keys, IOptions<LogOptions> options, TimeProvider clock, ILogger<CheckpointSigner> logger) : BackgroundService
{
    /// <summary>The advisory lock a signer holds while it reads the tree: "ErsouCkp" in ASCII.</summary>
    public const long SignLock = 0x4572_736F_7543_6B70;

    /// <summary>Entries the tree takes per transaction when it catches up with the log.</summary>
    public const int CatchUpBatch = 10_000;

    private string? lastFailure;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckpointInterval, clock);
        do
        {
            try
            {
                await AccessLogTree.CatchUpAsync(db, CatchUpBatch, stoppingToken);
                await SignAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // The next tick tries again; a database that is away for a while is for the health checks to report.
                // Said once per cause, not four times a second.
                if (e.Message != lastFailure)
                {
                    LogSigningFailed(logger, e);
                }

                lastFailure = e.Message;
                continue;
            }

            lastFailure = null;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Signs the tree as it stands when it holds entries the newest checkpoint does not; returns the size signed, if any.</summary>
    public async Task<long?> SignAsync(CancellationToken cancellation)
    {
        var pending = await PendingAsync(cancellation);
        if (pending is not { } checkpoint)
        {
            return null;
        }

        if (!await StandbyFlush.WaitAsync(db, options.Value.CheckpointInterval, cancellation))
        {
            LogWaitingForStandbys(logger, checkpoint.Size);
            return null;
        }

        var text = checkpoint.ToText();
        var signature = keys.Signer.Sign(text);
        await using var insert = db.CreateCommand(
            $"insert into {CheckpointSchema.Signatures}(tree_size, kind, signer, line, at) values ($1, '{CheckpointSchema.LogKind}', $2, $3, now()) on conflict do nothing");
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = checkpoint.Size });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = keys.Signer.ToString() });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = signature.ToLine().TrimEnd('\n') });
        await insert.ExecuteNonQueryAsync(cancellation);
        LogSigned(logger, checkpoint.Size);
        return checkpoint.Size;
    }

    /// <summary>
    /// Under the signing lock: the tree's size and root when no signed checkpoint covers it yet, its row committed
    /// (with the text that will be signed). Null when there is nothing new, or another instance is signing.
    /// </summary>
    private async Task<Checkpoint?> PendingAsync(CancellationToken cancellation)
    {
        await using var connection = await db.OpenConnectionAsync(cancellation);
        await using var transaction = await connection.BeginTransactionAsync(cancellation);
        await using (var take = new NpgsqlCommand("select pg_try_advisory_xact_lock($1)", connection, transaction))
        {
            take.Parameters.Add(new NpgsqlParameter<long> { TypedValue = SignLock });
            if (!(bool)(await take.ExecuteScalarAsync(cancellation))!)
            {
                return null;
            }
        }

        long size, signed;
        await using (var sizes = new NpgsqlCommand(
            $"select {AccessLogTree.SizeSql}, coalesce((select max(tree_size) from {CheckpointSchema.Signatures} where kind = '{CheckpointSchema.LogKind}'), 0)",
            connection, transaction))
        await using (var reader = await sizes.ExecuteReaderAsync(cancellation))
        {
            await reader.ReadAsync(cancellation);
            size = reader.GetInt64(0);
            signed = reader.GetInt64(1);
        }

        if (size <= signed)
        {
            return null;
        }

        var nodes = await AccessLogTree.NodesAsync(connection, transaction, MerkleProofs.NodesForRoot(size), cancellation);
        var checkpoint = new Checkpoint(keys.Origin, size, MerkleProofs.Root(size, id => nodes[id]));
        await using (var insert = new NpgsqlCommand(
            $"insert into {CheckpointSchema.Checkpoints}(tree_size, root, at, body) values ($1, $2, now(), $3) on conflict do nothing", connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = size });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = checkpoint.RootHash.ToArray() });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = checkpoint.ToText() });
            await insert.ExecuteNonQueryAsync(cancellation);
        }

        // The durability barrier (see the class): this commit wrote, so it returns once everything before it is durable.
        await transaction.CommitAsync(cancellation);
        return checkpoint;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Signed the access log's checkpoint at tree size {Size}")]
    private static partial void LogSigned(ILogger logger, long size);

    [LoggerMessage(Level = LogLevel.Information, Message = "Not signing the access log at tree size {Size} yet: a standby has not flushed it (or the role cannot see pg_stat_replication: grant pg_monitor)")]
    private static partial void LogWaitingForStandbys(ILogger logger, long size);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The access log's checkpoint could not be signed this time; the next tick tries again")]
    private static partial void LogSigningFailed(ILogger logger, Exception exception);
}
