using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Incidents.Reading;

/// <summary><c>incidents(filter)</c>: a page of the incidents the viewer sees in full.</summary>
public static class IncidentsField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<NonNullGraphType<IncidentConnectionGraphType>>("incidents")
            .Argument<IncidentFilterGraphType>("filter")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .ResolveAsync(async ctx => await ctx.RequestServices!.GetRequiredService<IncidentQueries>().ListAsync(
                Viewer.For(ctx.Source),
                ctx.GetArgument<IncidentFilter?>("filter"),
                Paging.First(ctx.GetArgument<int?>("first")),
                Paging.After(ctx.GetArgument<string?>("after")),
                ctx.CancellationToken));
}
