using ErsouIntel.Api.Identity;
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
                return await CaseChangeResolver.ResolveAsync(ctx, input.CaseId, async (work, actor, caseId) =>
                {
                    // The new member's force decides which attached records membership opens to them (the DISCLOSURE);
                    // a user of a force's own identity provider is not in our store, and their force is not known here.
                    var account = await ctx.RequestServices!.GetRequiredService<UserAccounts>().FindAsync(input.Username.Trim(), ctx.CancellationToken);
                    return await work.AddMemberAsync(actor, caseId, input.Username, account?.Force, input.Justification, ctx.CancellationToken);
                });
            });
}
