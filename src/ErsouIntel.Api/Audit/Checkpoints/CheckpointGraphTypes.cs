using ErsouIntel.Api.GraphQL;
using ErsouIntel.Domain.Common;
using GraphQL.Types;

namespace ErsouIntel.Api.Audit.Checkpoints;

public sealed class AccessLogCheckpointGraphType : ObjectGraphType<SignedCheckpoint>
{
    public AccessLogCheckpointGraphType()
    {
        Name = "AccessLogCheckpoint";
        Description = "A signed checkpoint of the access log (C2SP tlog-checkpoint in a signed note): its size and Merkle root, signed by the log and cosigned by witnesses.";
        Field<NonNullGraphType<StringGraphType>>("origin").Description("The log's name, first line of the signed note (Log:Origin).").Resolve(ctx => ctx.Source.Origin);
        Field<NonNullGraphType<LongGraphType>>("treeSize").Resolve(ctx => ctx.Source.TreeSize);
        Field<NonNullGraphType<StringGraphType>>("rootHash").Description("Base64 RFC 9162 Merkle tree hash of entries 1..treeSize.").Resolve(ctx => Convert.ToBase64String(ctx.Source.Root));
        Field<NonNullGraphType<ContractDateTimeGraphType>>("at").Description("When the log signed it.").Resolve(ctx => ctx.Source.At);
        Field<NonNullGraphType<StringGraphType>>("note").Description("The checkpoint as a C2SP signed note, with the log's Ed25519 signature and each witness's cosignature.").Resolve(ctx => ctx.Source.Note);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("verifierKeys").Description("The log's current key, then its earlier keys, then each witness's.").Resolve(ctx => ctx.Source.VerifierKeys);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("cosignedBy").Description("Names of the witnesses whose cosignatures the note carries.").Resolve(ctx => ctx.Source.CosignedBy);
    }
}

public sealed record CheckpointPayload(SignedCheckpoint? Checkpoint, IReadOnlyList<UserError> Errors);

public sealed class CheckpointPayloadGraphType : ObjectGraphType<CheckpointPayload>
{
    public CheckpointPayloadGraphType()
    {
        Name = "CheckpointPayload";
        Field<AccessLogCheckpointGraphType>("checkpoint").Resolve(ctx => ctx.Source.Checkpoint);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("errors").Resolve(ctx => ctx.Source.Errors);
    }
}
