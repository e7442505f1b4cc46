using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Alerts;

/// <summary><c>alerts(first, after)</c>: the scope's viewer's own alerts, newest first.</summary>
public static class AlertsField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<NonNullGraphType<AlertConnectionGraphType>>("alerts")
            .Description("Your alerts, newest first.")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .ResolveAsync(async ctx => await ctx.RequestServices!.GetRequiredService<AlertQueries>().ListAsync(
                Viewer.For(ctx.Source), Paging.First(ctx.GetArgument<int?>("first")), ctx.GetArgument<string?>("after"), ctx.CancellationToken));
}
