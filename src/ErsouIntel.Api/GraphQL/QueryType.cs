using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Audit.Reading;
using ErsouIntel.Api.Audit.Verifying;
using ErsouIntel.Api.Identity;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.GraphQL;

public sealed class QueryType : ObjectGraphType
{
    public QueryType()
    {
        Name = "Query";
        Field<NonNullGraphType<PrincipalGraphType>>("me")
            .Description("The caller, as read from their token.")
            .Resolve(ctx => Authorize.SignedIn(ctx));

        Field<NonNullGraphType<AccessScopeGraphType>>("access")
            .Description("Opens an access scope: every read of intelligence names its purpose and a justification of 10 to 500 characters.")
            .Argument<NonNullGraphType<EnumerationGraphType<Purpose>>>("purpose")
            .Argument<NonNullGraphType<StringGraphType>>("justification")
            .Resolve(ctx =>
            {
                var (caller, force) = Authorize.Investigator(ctx);
                var justification = ctx.GetArgument<string>("justification").Trim();
                if (justification.Length is < AccessScope.MinJustification or > AccessScope.MaxJustification)
                {
                    throw new ExecutionError($"A justification of {AccessScope.MinJustification} to {AccessScope.MaxJustification} characters is required.")
                    {
                        Code = ErrorCodes.JustificationRequired,
                    };
                }

                var scope = new AccessScope(caller, force, ctx.GetArgument<Purpose>("purpose"), justification);
                ctx.RequestServices!.GetRequiredService<RequestAudit>().Opened(scope);
                return scope;
            });

        Field<NonNullGraphType<AccessLogConnectionGraphType>>("accessLog")
            .Description($"Auditors: the access log, newest entry first, up to {Paging.MaxFirst} a page. A force auditor sees the entries made by, or about records of, their force. Reading it is logged too.")
            .Argument<AccessLogFilterGraphType>("filter")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .ResolveAsync(async ctx =>
            {
                var (_, force) = Authorize.Auditor(ctx);
                var page = await ctx.RequestServices!.GetRequiredService<AccessLogQueries>().ListAsync(
                    force,
                    ctx.GetArgument<AccessLogFilter?>("filter"),
                    Paging.First(ctx.GetArgument<int?>("first")),
                    Paging.AfterSequence(ctx.GetArgument<string?>("after")),
                    ctx.CancellationToken);
                ctx.RequestServices!.GetRequiredService<RequestAudit>().ReadTheLog(page.Edges.Select(e => e.Node.Sequence));
                return page;
            });

        Field<NonNullGraphType<AccessLogVerificationGraphType>>("verifyAccessLog")
            .Description("Auditors: recomputes the whole hash chain and names the first entry that does not verify. Logged as a consultation.")
            .ResolveAsync(async ctx =>
            {
                Authorize.Auditor(ctx);
                var verification = await ctx.RequestServices!.GetRequiredService<AccessLogVerifier>().VerifyAsync(ctx.CancellationToken);
                ctx.RequestServices!.GetRequiredService<RequestAudit>().ReadTheLog([]);
                return verification;
            });
    }
}
