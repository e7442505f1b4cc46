using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Cases.Working;

/// <summary><c>closeCase</c>: a closed case takes no further change.</summary>
public static class CloseCaseField
{
    public static void AddTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<CasePayloadGraphType>>("closeCase")
            .Argument<NonNullGraphType<CloseCaseInputGraphType>>("input")
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<CloseCaseInput>("input");
                return await CaseChangeResolver.ResolveAsync(ctx, input.CaseId, (work, actor, caseId) =>
                    work.CloseAsync(actor, caseId, input.Reason, input.ExpectedVersion, input.Justification, ctx.CancellationToken));
            });
}
