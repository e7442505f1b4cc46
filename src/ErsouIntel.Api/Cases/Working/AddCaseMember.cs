using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Cases.Working;

/// <summary><c>addCaseMember</c>: a member sees the case and all its incidents, whatever their force; adding one twice writes nothing.</summary>
public static class AddCaseMemberField
{
    public static void AddTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<CasePayloadGraphType>>("addCaseMember")
            .Argument<NonNullGraphType<AddCaseMemberInputGraphType>>("input")
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<AddCaseMemberInput>("input");
                return await CaseChangeResolver.ResolveAsync(ctx, input.CaseId, (work, actor, caseId) =>
                    work.AddMemberAsync(actor, caseId, input.Username, ctx.CancellationToken));
            });
}
