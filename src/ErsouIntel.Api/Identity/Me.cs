using ErsouIntel.Api.Access;
using GraphQL.Types;

namespace ErsouIntel.Api.Identity;

/// <summary><c>me</c>: the caller as read from their token; any signed-in caller may ask.</summary>
public static class MeField
{
    public static void AddTo(ObjectGraphType query) =>
        query.Field<NonNullGraphType<PrincipalGraphType>>("me")
            .Description("The caller, as read from their token.")
            .Resolve(ctx => Authorize.SignedIn(ctx));
}
