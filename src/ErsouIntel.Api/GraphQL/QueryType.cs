using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Identity;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.GraphQL;

public sealed class QueryType : ObjectGraphType
{
    public QueryType()
    {
        Name = "Query";
        Field<NonNullGraphType<PrincipalGraphType>>("me")
            .Description("The caller, as read from their token.")
            .Resolve(ctx => Authorize.SignedIn(ctx));

        Field<NonNullGraphType<AccessScopeGraphType>>("access")
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
}
