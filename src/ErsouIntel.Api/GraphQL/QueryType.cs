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
            .Resolve(ctx => Caller.From(ctx.User) ?? throw new ExecutionError("Sign in to use this field.") { Code = ErrorCodes.Unauthenticated });
    }
}
