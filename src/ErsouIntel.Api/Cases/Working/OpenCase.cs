using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Cases.Working;

/// <summary><c>openCase</c>: the caller's force leads the case and the caller is its first member; a reference is unique within its lead force.</summary>
public static class OpenCaseField
{
    public static void AddTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<CasePayloadGraphType>>("openCase")
            .Argument<NonNullGraphType<OpenCaseInputGraphType>>("input")
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<OpenCaseInput>("input");
                return await CaseChangeResolver.ResolveAsync(ctx, (work, actor) =>
                    work.OpenAsync(actor, input.Reference, input.Title, input.OperationName, input.Purpose, input.Justification, ctx.CancellationToken));
            });
}
