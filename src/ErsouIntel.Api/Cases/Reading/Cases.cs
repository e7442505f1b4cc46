using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Cases.Reading;

/// <summary><c>cases</c>: a page of the cases the viewer may see.</summary>
public static class CasesField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<NonNullGraphType<CaseConnectionGraphType>>("cases")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .ResolveAsync(async ctx => await ctx.RequestServices!.GetRequiredService<CaseQueries>().ListAsync(
                Viewer.For(ctx.Source), Paging.First(ctx.GetArgument<int?>("first")), Paging.After(ctx.GetArgument<string?>("after")), ctx.CancellationToken));
}
