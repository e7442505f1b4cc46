using ErsouIntel.Api.Storage;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace ErsouIntel.Api.Audit.Checkpoints;

/// <summary>
/// Every checkpoint the log has signed, and every signature on one. <c>ersou.access_log_checkpoints</c>: one row per
/// tree size (the key, so a second signer of the same size adds nothing), the checkpoint's text and root.
/// <c>ersou.access_log_signatures</c>: the log's own signature line (<c>kind</c> 'log') and each witness's
/// cosignature line ('witness'), by signer name. A checkpoint is served once the log's signature is there; the
/// signature is written only after the checkpoint's row has committed, which is what makes the entries it covers
/// durable first (<see cref="CheckpointSigner"/>). Like the log, the service's role may only insert and select here
/// (deploy/sql/access-log-role.sql): a checkpoint once given out is evidence, and is never changed.
/// </summary>
public static class CheckpointSchema
{
    public const string Checkpoints = "ersou.access_log_checkpoints";
    public const string Signatures = "ersou.access_log_signatures";

    public const string LogKind = "log";
    public const string WitnessKind = "witness";

    public static IEnumerable<Weasel.Core.ISchemaObject> Objects()
    {
        var checkpoints = new Table(EventStore.Table("access_log_checkpoints"));
        checkpoints.AddColumn<long>("tree_size").AsPrimaryKey();
        checkpoints.AddColumn("root", "bytea").NotNull();
        checkpoints.AddColumn("at", "timestamptz").NotNull();
        checkpoints.AddColumn<string>("body").NotNull();
        yield return checkpoints;

        var signatures = new Table(EventStore.Table("access_log_signatures"));
        signatures.AddColumn<long>("tree_size").AsPrimaryKey();
        signatures.AddColumn<string>("kind").AsPrimaryKey();
        signatures.AddColumn<string>("signer").AsPrimaryKey();
        signatures.AddColumn<string>("line").NotNull();
        signatures.AddColumn("at", "timestamptz").NotNull();
        yield return signatures;
    }
}
