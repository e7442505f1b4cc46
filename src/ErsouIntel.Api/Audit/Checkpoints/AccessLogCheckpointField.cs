using ErsouIntel.Api.Access;
using GraphQL.Types;

namespace ErsouIntel.Api.Audit.Checkpoints;

/// <summary>
/// <c>accessLogCheckpoint</c>: auditors and witnesses read the newest signed checkpoint. Not written to the access
/// log: it holds hashes only, and a witness polling it would otherwise make every poll a new entry to sign.
/// </summary>
public static class AccessLogCheckpointField
{
    public static void AddTo(ObjectGraphType query) =>
        query.Field<AccessLogCheckpointGraphType>("accessLogCheckpoint")
            .Description("Auditors and witnesses: the newest signed checkpoint of the access log; null until the first is signed.")
            .ResolveAsync(async ctx =>
            {
                Authorize.AuditorOrWitness(ctx);
                return await ctx.RequestServices!.GetRequiredService<SignedCheckpoints>().LatestAsync(ctx.CancellationToken);
            });
}
