using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit.Witnesses;
using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Transparency;
using GraphQL;
using GraphQL.Types;
using Npgsql;

namespace ErsouIntel.Api.Audit.Checkpoints;

/// <summary>
/// <c>cosignAccessLogCheckpoint(treeSize, cosignature)</c>: a witness sends its <c>cosignature/v1</c> line for a
/// checkpoint it has checked; the line is verified against the key registered for the calling client (never a key
/// the line names) and the checkpoint's note carries it from then on. A witness's first cosignature of a size is
/// the one kept.
/// </summary>
public static class CosignAccessLogCheckpointField
{
    public static void AddTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<CheckpointPayloadGraphType>>("cosignAccessLogCheckpoint")
            .Argument<NonNullGraphType<LongGraphType>>("treeSize")
            .Argument<NonNullGraphType<StringGraphType>>("cosignature")
            .ResolveAsync(async ctx =>
            {
                var caller = Authorize.Witness(ctx);
                var services = ctx.RequestServices!;
                var witness = await services.GetRequiredService<WitnessRegistry>().FindAsync(caller.ClientId, ctx.CancellationToken)
                    ?? throw Authorize.Forbidden();
                var checkpoints = services.GetRequiredService<SignedCheckpoints>();
                var treeSize = ctx.GetArgument<long>("treeSize");
                if (await checkpoints.AtAsync(treeSize, ctx.CancellationToken) is not { } checkpoint)
                {
                    return Refused("treeSize", $"The log signed no checkpoint at size {treeSize}.");
                }

                var line = ctx.GetArgument<string>("cosignature").TrimEnd('\n');
                if (!NoteSignature.TryParseLine(line, out var signature) || signature is null || !witness.Key.Identifies(signature)
                    || !Cosignature.TryVerify(witness.Key, checkpoint.Body, signature, out _))
                {
                    return Refused("cosignature", $"Not a cosignature/v1 line of this checkpoint by the key registered for witness '{witness.Name}'.");
                }

                await using (var insert = services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
                    $"insert into {CheckpointSchema.Signatures}(tree_size, kind, signer, line, at) values ($1, '{CheckpointSchema.WitnessKind}', $2, $3, now()) on conflict do nothing"))
                {
                    insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = treeSize });
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = witness.Name });
                    insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = line });
                    await insert.ExecuteNonQueryAsync(ctx.CancellationToken);
                }

                return new CheckpointPayload(await checkpoints.AtAsync(treeSize, ctx.CancellationToken), []);
            });

    private static CheckpointPayload Refused(string argument, string message) =>
        new(null, [UserError.At(UserErrorCodes.BadUserInput, message, "cosignAccessLogCheckpoint", argument)]);
}
