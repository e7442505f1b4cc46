using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using ErsouIntel.Api.Access;
using ErsouIntel.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Validation.AspNetCore;

namespace ErsouIntel.Api.Identity;

/// <summary>A force's own identity provider that the service trusts by configuration (section <c>Identity:ExternalIssuers</c>).</summary>
public sealed class ExternalIssuer
{
    /// <summary>The <c>iss</c> its tokens carry.</summary>
    public required string Issuer { get; set; }

    /// <summary>Where its OpenID Connect discovery document is (signing keys are fetched from there); or give <see cref="SigningKey"/>.</summary>
    public string? Authority { get; set; }

    /// <summary>A shared signing key (base64), for issuers without discovery.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The audience its tokens must be for.</summary>
    public required string Audience { get; set; }

    /// <summary>The force every caller of this issuer belongs to: a force's provider speaks for that force only.</summary>
    public required string Force { get; set; }

    /// <summary>The claim holding the caller's roles in its tokens.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>Its role names mapped to ours (investigator, auditor); roles not named here grant nothing.</summary>
    public Dictionary<string, string> Roles { get; set; } = [];

    /// <summary>
    /// The console's client registered at this provider: with <see cref="Authority"/>, people of the force sign in to
    /// the console there (<c>/console/sign-in/{Name}</c>). Without it the provider's bearer tokens are trusted, no more.
    /// </summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The provider's name in the console's sign-in page and path; the force's when not given.</summary>
    public string? Name { get; set; }
}

/// <summary>
/// Bearer tokens from configured external issuers, mapped to our force, role and scope. The
/// default scheme looks at a token's issuer and hands it to that issuer's validation, or to our
/// own token server's.
/// </summary>
public static class ExternalIssuers
{
    public const string SelectorScheme = "Bearer";

    public static AuthenticationBuilder AddExternalIssuers(this AuthenticationBuilder authentication, IConfiguration configuration)
    {
        var issuers = configuration.GetSection("Identity:ExternalIssuers").Get<ExternalIssuer[]>() ?? [];
        foreach (var issuer in issuers)
        {
            if (!Forces.TryParse(issuer.Force, out var force))
            {
                throw new InvalidOperationException($"Identity:ExternalIssuers: '{issuer.Force}' is not a force.");
            }

            authentication.AddJwtBearer(SchemeFor(issuer.Issuer), options =>
            {
                options.MapInboundClaims = false;
                options.Authority = issuer.Authority;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = issuer.Issuer,
                    ValidAudience = issuer.Audience,
                    IssuerSigningKey = issuer.SigningKey is null ? null : new SymmetricSecurityKey(Convert.FromBase64String(issuer.SigningKey)),
                    ValidateLifetime = true,
                    ClockSkew = TimeSpan.FromMinutes(1),
                };
                options.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        context.Principal = Map(context.Principal!, issuer, force);
                        return Task.CompletedTask;
                    },
                };
            });
        }

        var byIssuer = issuers.ToDictionary(i => i.Issuer, i => SchemeFor(i.Issuer), StringComparer.Ordinal);
        authentication.AddPolicyScheme(SelectorScheme, "Our tokens, a trusted force's, or the console's session", options =>
            options.ForwardDefaultSelector = http => IssuerOf(http) is { } iss && byIssuer.TryGetValue(iss, out var scheme)
                ? scheme
                : http.Request.Headers.Authorization.Count == 0 && WebConsole.ConsoleCookie.IsPresent(http)
                    ? WebConsole.ConsoleCookie.Scheme
                    : OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        return authentication;
    }

    /// <summary>Only the mapped claims leave: sub, the configured force (never one the token names), role and its scope.</summary>
    internal static ClaimsPrincipal Map(ClaimsPrincipal external, ExternalIssuer issuer, Force force)
    {
        var identity = new ClaimsIdentity(SchemeFor(issuer.Issuer), Caller.SubjectClaim, Caller.RoleClaim);
        var subject = external.FindFirst("sub")?.Value ?? external.FindFirst("preferred_username")?.Value;
        if (subject is null)
        {
            return new ClaimsPrincipal(new ClaimsIdentity());
        }

        identity.AddClaim(new Claim(Caller.SubjectClaim, $"{subject}@{issuer.Issuer}"));
        identity.AddClaim(new Claim(Caller.ForceClaim, force.TenantId()));
        foreach (var role in external.FindAll(issuer.RoleClaim).Select(c => c.Value).Where(issuer.Roles.ContainsKey).Select(r => issuer.Roles[r]).Distinct())
        {
            if (role is Roles.Investigator or Roles.Auditor)
            {
                identity.AddClaim(new Claim(Caller.RoleClaim, role));
                identity.AddClaim(new Claim(Caller.ScopeClaim, role == Roles.Investigator ? Roles.ReadScope : Roles.AuditScope));
            }
        }

        return new ClaimsPrincipal(identity);
    }

    private static string SchemeFor(string issuer) => "external:" + issuer;

    /// <summary>The <c>iss</c> of a signed JWT, read without trusting it: only to choose who validates it.</summary>
    private static string? IssuerOf(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header["Bearer ".Length..].Trim();
        var handler = new JwtSecurityTokenHandler();
        // Our own tokens are encrypted (five parts): they are never an external issuer's.
        return token.Count(c => c == '.') == 2 && handler.CanReadToken(token) ? handler.ReadJwtToken(token).Issuer : null;
    }
}
