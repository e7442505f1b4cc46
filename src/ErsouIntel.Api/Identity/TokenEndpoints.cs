using System.Security.Claims;
using ErsouIntel.Api.Access;
using ErsouIntel.Domain;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ErsouIntel.Api.Identity;

/// <summary>
/// The token and authorization endpoints' own part (OpenIddict validates the protocol first and
/// passes through): who the token is for, with which force, roles and scopes. Every token is
/// built from the current state of the client or user, so a disabled one gets no new token.
/// </summary>
public static class TokenEndpoints
{
    public static IEndpointRouteBuilder MapTokenEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/connect/token", TokenAsync).DisableAntiforgery();
        endpoints.MapMethods("/connect/authorize", ["GET", "POST"], AuthorizeAsync).DisableAntiforgery();
        return endpoints;
    }

    private static async Task<IResult> TokenAsync(HttpContext http, ErsouApplicationManager applications, UserAccounts users, Audit.Witnesses.WitnessRegistry witnesses)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        var cancellation = http.RequestAborted;

        if (request.IsClientCredentialsGrantType())
        {
            var application = await applications.FindByClientIdAsync(request.ClientId!, cancellation);
            var force = application is null ? null : await applications.GetStringPropertyAsync(application, ErsouApplicationManager.ForceProperty, cancellation);
            if (application is null || await applications.IsDisabledAsync(application, cancellation) || !Forces.TryParse(force, out var clientForce))
            {
                return Refuse(Errors.InvalidClient, "This client may not obtain tokens.");
            }

            var identity = NewIdentity();
            identity.SetClaim(Claims.Subject, request.ClientId)
                .SetClaim(Caller.ClientClaim, request.ClientId)
                .SetClaim(Caller.ForceClaim, clientForce.TenantId());
            // log:witness only for a client registered as a witness (admin add-witness), whatever its permissions say.
            var witness = await witnesses.FindAsync(request.ClientId, cancellation) is not null;
            identity.SetScopes(request.GetScopes().Intersect(witness ? [Roles.WriteScope, Roles.WitnessScope] : [Roles.WriteScope]));
            return SignIn(identity);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var granted = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var user = await users.FindActiveAsync(granted.Principal?.GetClaim(Claims.Subject), cancellation);
            if (user is null)
            {
                return Refuse(Errors.InvalidGrant, "This account may no longer sign in.");
            }

            var identity = ForUser(user, granted.Principal!.GetScopes(), request.ClientId);
            return SignIn(identity);
        }

        return Refuse(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, UserAccounts users)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        var login = await http.AuthenticateAsync(IdentitySetup.LoginScheme);
        var user = login.Succeeded ? await users.FindActiveAsync(login.Principal?.Identity?.Name, http.RequestAborted) : null;
        if (user is null)
        {
            // Not signed in (or no longer allowed): the login page, then back here with the same request.
            var query = http.Request.HasFormContentType ? [.. http.Request.Form] : http.Request.Query.ToList();
            return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + QueryString.Create(query) }, [IdentitySetup.LoginScheme]);
        }

        // First-party tools only (registered by an admin): no consent screen.
        return SignIn(ForUser(user, request.GetScopes(), request.ClientId));
    }

    /// <summary>A person's token: their role's scope if they asked for it, their force, openid and refresh as asked.</summary>
    internal static ClaimsIdentity ForUser(UserAccount user, IEnumerable<string> requested, string? clientId)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, user.Username)
            .SetClaim(Claims.Name, user.Username)
            .SetClaim(Claims.Role, user.Role);
        if (user.Force is { } force)
        {
            identity.SetClaim(Caller.ForceClaim, force.TenantId());
        }

        if (clientId is not null)
        {
            identity.SetClaim(Caller.ClientClaim, clientId);
        }

        identity.SetScopes(requested.Intersect([Scopes.OpenId, Scopes.OfflineAccess, user.Scope]));
        return identity;
    }

    private static ClaimsIdentity NewIdentity() =>
        new(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);

    private static IResult SignIn(ClaimsIdentity identity)
    {
        // Claims without destinations are dropped: everything goes into the access token, who and what also into the id token.
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Subject or Claims.Name or Claims.Role or Caller.ForceClaim => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
