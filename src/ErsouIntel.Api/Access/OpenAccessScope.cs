using ErsouIntel.Api.Audit;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Domain;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Access;

/// <summary>
/// <c>access(purpose, justification)</c>: the one way into intelligence. The scope opened here is the
/// viewer of every read below it, and what they return is logged with this purpose and justification.
/// </summary>
public static class OpenAccessScopeField
{
    public static void AddTo(ObjectGraphType query) =>
        query.Field<NonNullGraphType<AccessScopeGraphType>>("access")
            .Description("Opens an access scope: every read of intelligence names its purpose and a justification of 10 to 500 characters.")
            .Argument<NonNullGraphType<EnumerationGraphType<Purpose>>>("purpose")
            .Argument<NonNullGraphType<StringGraphType>>("justification")
            .Resolve(ctx =>
            {
                var (caller, force) = Authorize.Investigator(ctx);
                var justification = ctx.GetArgument<string>("justification").Trim();
                if (justification.Length is < AccessScope.MinJustification or > AccessScope.MaxJustification)
                {
                    throw new ExecutionError($"A justification of {AccessScope.MinJustification} to {AccessScope.MaxJustification} characters is required.")
                    {
                        Code = ErrorCodes.JustificationRequired,
                    };
                }

                var scope = new AccessScope(caller, force, ctx.GetArgument<Purpose>("purpose"), justification);
                ctx.RequestServices!.GetRequiredService<RequestAudit>().Opened(scope);
                return scope;
            });
}
