using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Matches;

/// <summary><c>matches</c>: a page of the matches that involve the viewer's force, newest first.</summary>
public static class MatchesField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<NonNullGraphType<MatchConnectionGraphType>>("matches")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .ResolveAsync(async ctx => await ctx.RequestServices!.GetRequiredService<MatchQueries>().ListAsync(
                Viewer.For(ctx.Source), Paging.First(ctx.GetArgument<int?>("first")), Paging.After(ctx.GetArgument<string?>("after")), ctx.CancellationToken));
}
