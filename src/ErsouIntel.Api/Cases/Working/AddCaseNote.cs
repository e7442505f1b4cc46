using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Cases.Working;

/// <summary><c>addCaseNote</c>: a note on the case's timeline, by a member or an investigator of the lead force.</summary>
public static class AddCaseNoteField
{
    public static void AddTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<CasePayloadGraphType>>("addCaseNote")
            .Argument<NonNullGraphType<AddCaseNoteInputGraphType>>("input")
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<AddCaseNoteInput>("input");
                return await CaseChangeResolver.ResolveAsync(ctx, input.CaseId, (work, actor, caseId) =>
                    work.AddNoteAsync(actor, caseId, input.Text, input.ExpectedVersion, input.Justification, ctx.CancellationToken));
            });
}
