using ErsouIntel.Api.GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Identity;

/// <summary>The contract's <c>Principal</c>: the caller as the service sees them.</summary>
public sealed class PrincipalGraphType : ObjectGraphType<Caller>
{
    public PrincipalGraphType()
    {
        Name = "Principal";
        Field(c => c.Subject).Description("The username, or the client id of a force system.");
        Field<ForceGraphType>("force").Resolve(ctx => ctx.Source.Force);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("roles").Resolve(ctx => ctx.Source.Roles);
    }
}
