using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Audit.Reading;

/// <summary><c>accessLog</c>: auditors page through the log; the entries they read are themselves logged, so reading it leaves a trace.</summary>
public static class AccessLogField
{
    public static void AddTo(ObjectGraphType query) =>
        query.Field<NonNullGraphType<AccessLogConnectionGraphType>>("accessLog")
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
}
