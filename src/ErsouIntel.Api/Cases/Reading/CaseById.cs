using ErsouIntel.Api.Access;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Cases.Reading;

/// <summary><c>case(id)</c>: null for a case the viewer is not a member of and whose lead force is not theirs, as for no case.</summary>
public static class CaseByIdField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<CaseGraphType>("case")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .ResolveAsync(async ctx => Guid.TryParse(ctx.GetArgument<string>("id"), out var id)
                ? await ctx.RequestServices!.GetRequiredService<CaseQueries>().ByIdAsync(Viewer.For(ctx.Source), id, ctx.CancellationToken)
                : null);
}
