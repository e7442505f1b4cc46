using ErsouIntel.Api.Identity;
using ErsouIntel.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ErsouIntel.Api.WebConsole;

/// <summary>A force's identity provider as the sign-in page offers it.</summary>
public sealed record ConsoleProvider(string Name, string Href);

/// <summary>
/// People of a force whose provider is configured with a console client (<see cref="ExternalIssuer.ClientId"/>)
/// sign in there (OpenID Connect, authorization code with PKCE) and come back with a console session: the
/// provider's claims mapped exactly as its bearer tokens' are (<c>ExternalIssuers.Map</c>: the configured force,
/// mapped roles only). The provider's tokens are not kept (no SaveTokens): the session holds the mapped claims.
/// </summary>
public static class ConsoleProviders
{
    public static AuthenticationBuilder AddConsoleProviders(this AuthenticationBuilder authentication, IConfiguration configuration, bool relaxed)
    {
        var providers = new List<ConsoleProvider>();
        foreach (var issuer in configuration.GetSection("Identity:ExternalIssuers").Get<ExternalIssuer[]>() ?? [])
        {
            if (issuer.Authority is null || issuer.ClientId is null || !Forces.TryParse(issuer.Force, out var force))
            {
                continue;
            }

            var name = (issuer.Name ?? issuer.Force).ToLowerInvariant();
            authentication.AddOpenIdConnect(SchemeFor(name), options =>
            {
                options.SignInScheme = ConsoleCookie.Scheme;
                options.Authority = issuer.Authority;
                options.ClientId = issuer.ClientId;
                options.ClientSecret = issuer.ClientSecret;
                options.ResponseType = OpenIdConnectResponseType.Code;
                options.UsePkce = true;
                // The answer comes back as a top-level GET, so the correlation and nonce cookies can be SameSite=Lax
                // (a form post from the provider's site would need SameSite=None).
                options.ResponseMode = OpenIdConnectResponseMode.Query;
                options.CorrelationCookie.SameSite = SameSiteMode.Lax;
                options.NonceCookie.SameSite = SameSiteMode.Lax;
                options.CallbackPath = $"/console/signed-in/{name}";
                options.SignedOutCallbackPath = $"/console/signed-out/{name}";
                options.RemoteSignOutPath = $"/console/remote-sign-out/{name}";
                options.MapInboundClaims = false;
                options.SaveTokens = false;
                options.RequireHttpsMetadata = !relaxed;
                options.Scope.Clear();
                options.Scope.Add("openid");
                options.Events.OnTokenValidated = context =>
                {
                    var mapped = ExternalIssuers.Map(context.Principal!, issuer, force);
                    if (Caller.From(mapped) is null)
                    {
                        context.Fail("The provider named nobody.");
                        return Task.CompletedTask;
                    }

                    context.Principal = mapped;
                    ConsolePrincipal.StartedBy(context.Properties!, name, context.HttpContext.RequestServices.GetRequiredService<TimeProvider>());
                    return Task.CompletedTask;
                };
                options.Events.OnRemoteFailure = context =>
                {
                    // Back to the console's sign-in page rather than an error page; the reason is the provider's to log.
                    context.Response.Redirect("/");
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            });
            providers.Add(new ConsoleProvider(issuer.Name ?? issuer.Force, $"/console/sign-in/{name}"));
        }

        authentication.Services.AddSingleton<IReadOnlyList<ConsoleProvider>>(providers);
        return authentication;
    }

    public static IReadOnlyList<ConsoleProvider> List(IServiceProvider services) =>
        services.GetRequiredService<IReadOnlyList<ConsoleProvider>>();

    public static IEndpointRouteBuilder MapConsoleProviders(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/console/sign-in/{name}", (string name, IReadOnlyList<ConsoleProvider> providers) =>
            providers.Any(p => p.Href == $"/console/sign-in/{name.ToLowerInvariant()}")
                ? Results.Challenge(new AuthenticationProperties { RedirectUri = "/" }, [SchemeFor(name.ToLowerInvariant())])
                : Results.NotFound());
        return endpoints;
    }

    private static string SchemeFor(string name) => "console:" + name;
}
