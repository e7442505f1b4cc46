using ErsouIntel.Api.Identity;
using Microsoft.AspNetCore.Authentication;

namespace ErsouIntel.Api.GraphQL.Subscriptions;

/// <summary>
/// The bearer token a WebSocket client sends in <c>connection_init</c> (browsers cannot set headers
/// on an upgrade), validated exactly as the HTTP endpoint validates an Authorization header: by the
/// same authentication scheme (<see cref="ExternalIssuers.SelectorScheme"/>: our token server's
/// tokens through OpenIddict, a trusted force's JWTs through their own handler). The upgrade
/// request's own authentication has already run, and ASP.NET Core keeps one result per request, so
/// the token is checked on a request of its own, carrying the upgrade's scheme and host (the token's
/// issuer is checked against them) in a scope of its own, through the steps the authentication
/// middleware takes for a request.
/// </summary>
public sealed class InitPayloadAuthentication(IServiceScopeFactory scopes, TimeProvider clock)
{
    public async Task<LiveCaller?> AuthenticateAsync(HttpContext upgrade, string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization) || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var probe = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        probe.Request.Method = HttpMethods.Post;
        probe.Request.Scheme = upgrade.Request.Scheme;
        probe.Request.Host = upgrade.Request.Host;
        probe.Request.PathBase = upgrade.Request.PathBase;
        probe.Request.Path = upgrade.Request.Path;
        probe.Request.Headers.Authorization = authorization;
        probe.Connection.RemoteIpAddress = upgrade.Connection.RemoteIpAddress;

        // What the authentication middleware does first: the request handlers (OpenIddict's validation among
        // them) set up their per-request state, and one that answers the request itself ends it.
        var handlers = scope.ServiceProvider.GetRequiredService<IAuthenticationHandlerProvider>();
        foreach (var scheme in await scope.ServiceProvider.GetRequiredService<IAuthenticationSchemeProvider>().GetRequestHandlerSchemesAsync())
        {
            if (await handlers.GetHandlerAsync(probe, scheme.Name) is IAuthenticationRequestHandler handler && await handler.HandleRequestAsync())
            {
                return null;
            }
        }

        var result = await probe.AuthenticateAsync(ExternalIssuers.SelectorScheme);
        return LiveCaller.From(result, sessionKeyHash: null, clock);
    }
}
