using ErsouIntel.Api.Access;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Audit.Proofs;

/// <summary>
/// <c>accessLogInclusionProof(sequence, treeSize)</c>: auditors prove an entry is in the log a checkpoint signed.
/// Hashes only (the same the tiles serve), so it is not itself written to the access log.
/// </summary>
public static class AccessLogInclusionProofField
{
    public static void AddTo(ObjectGraphType query) =>
        query.Field<NonNullGraphType<InclusionProofGraphType>>("accessLogInclusionProof")
            .Description("Auditors: the RFC 9162 proof that entry `sequence` is in the log of `treeSize` entries, a size a checkpoint was signed at.")
            .Argument<NonNullGraphType<LongGraphType>>("sequence")
            .Argument<NonNullGraphType<LongGraphType>>("treeSize")
            .ResolveAsync(async ctx =>
            {
                Authorize.Auditor(ctx);
                return await ctx.RequestServices!.GetRequiredService<LogProofs>()
                    .InclusionAsync(ctx.GetArgument<long>("sequence"), ctx.GetArgument<long>("treeSize"), ctx.CancellationToken);
            });
}
