using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Links.Questions;

/// <summary><c>search(text, first)</c>: a number, registration, PNC ID, force reference or id, and couriers and suspects by a word of their names.</summary>
public static class SearchField
{
    public static void AddTo(ObjectGraphType<AccessScope> scope) =>
        scope.Field<NonNullGraphType<ListGraphType<NonNullGraphType<SearchHitGraphType>>>>("search")
            .Description("For a text of 3 or more characters: identifier hits first, then couriers and suspects by a case-insensitive prefix of any word of their names; first 1 to 50.")
            .Argument<NonNullGraphType<StringGraphType>>("text")
            .Argument<IntGraphType>("first", arg => arg.DefaultValue = 20)
            .ResolveAsync(async ctx =>
            {
                var first = LinkArguments.Bounded(ctx, "first", 20, 1, 50);
                var (text, problem) = SearchText.Read(ctx.GetArgument<string>("text"));
                if (text is null)
                {
                    throw new ExecutionError(problem!) { Code = ErrorCodes.BadUserInput };
                }

                return await ctx.RequestServices!.GetRequiredService<EntitySearch>().SearchAsync(ctx.Source, text, first, ctx.CancellationToken);
            });
}
