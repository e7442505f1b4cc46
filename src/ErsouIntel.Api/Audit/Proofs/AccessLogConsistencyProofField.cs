using ErsouIntel.Api.Access;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Audit.Proofs;

/// <summary>
/// <c>accessLogConsistencyProof(fromSize, toSize)</c>: auditors and witnesses prove the log only grew between two
/// signed checkpoints. Hashes only, so it is not itself written to the access log (a witness asks on every round).
/// </summary>
public static class AccessLogConsistencyProofField
{
    public static void AddTo(ObjectGraphType query) =>
        query.Field<NonNullGraphType<ConsistencyProofGraphType>>("accessLogConsistencyProof")
            .Description("Auditors and witnesses: the RFC 9162 proof that the log of `toSize` entries extends the log of `fromSize`; both sizes signed.")
            .Argument<NonNullGraphType<LongGraphType>>("fromSize")
            .Argument<NonNullGraphType<LongGraphType>>("toSize")
            .ResolveAsync(async ctx =>
            {
                Authorize.AuditorOrWitness(ctx);
                return await ctx.RequestServices!.GetRequiredService<LogProofs>()
                    .ConsistencyAsync(ctx.GetArgument<long>("fromSize"), ctx.GetArgument<long>("toSize"), ctx.CancellationToken);
            });
}
