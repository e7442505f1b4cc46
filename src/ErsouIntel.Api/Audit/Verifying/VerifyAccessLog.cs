using ErsouIntel.Api.Access;
using GraphQL.Types;

namespace ErsouIntel.Api.Audit.Verifying;

/// <summary><c>verifyAccessLog</c>: auditors prove the log intact (<see cref="AccessLogVerifier"/>); asking is itself logged.</summary>
public static class VerifyAccessLogField
{
    public static void AddTo(ObjectGraphType query) =>
        query.Field<NonNullGraphType<AccessLogVerificationGraphType>>("verifyAccessLog")
            .Description("Auditors: recomputes the whole hash chain and names the first entry that does not verify. Logged as a consultation.")
            .ResolveAsync(async ctx =>
            {
                Authorize.Auditor(ctx);
                var verification = await ctx.RequestServices!.GetRequiredService<AccessLogVerifier>().VerifyAsync(ctx.CancellationToken);
                ctx.RequestServices!.GetRequiredService<RequestAudit>().ReadTheLog([]);
                return verification;
            });
}
