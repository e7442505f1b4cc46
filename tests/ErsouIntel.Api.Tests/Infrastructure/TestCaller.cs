using System.Security.Claims;
using System.Text.Encodings.Web;
using ErsouIntel.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ErsouIntel.Api.Tests.Infrastructure;

/// <summary>Who a test request comes from, until real sign-in replaces it: sent in a test-only header.</summary>
public sealed record TestCaller(string Subject, Force? Force, string[] Roles, string[] Scopes)
{
    public const string Header = "X-Test-Caller";

    public static TestCaller ForceSystem(Force force) => new($"{force.TenantId().ToLowerInvariant()}-system", force, [], ["intel:write"]);

    public static TestCaller Investigator(Force force, string? name = null) =>
        new(name ?? $"{force.TenantId().ToLowerInvariant()}-investigator", force, ["investigator"], ["intel:read"]);

    public static TestCaller Auditor(Force? force = null) => new("auditor", force, ["auditor"], ["audit:read"]);

    public string Encode() => string.Join(';', $"sub={Subject}", $"force={Force?.TenantId()}", $"roles={string.Join(',', Roles)}", $"scopes={string.Join(' ', Scopes)}");
}

/// <summary>
/// The test-only authentication handler: turns <see cref="TestCaller.Header"/> into a claims
/// principal. Registered by the test fixture alone; the service itself never knows it.
/// </summary>
public sealed class TestCallerHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(TestCaller.Header, out var value))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var parts = value.ToString().Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        var claims = new List<Claim> { new("sub", parts["sub"]) };
        if (parts.GetValueOrDefault("force") is { Length: > 0 } force)
        {
            claims.Add(new Claim("force", force));
        }

        claims.AddRange(parts.GetValueOrDefault("roles", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim("role", r)));
        if (parts.GetValueOrDefault("scopes") is { Length: > 0 } scopes)
        {
            claims.Add(new Claim("scope", scopes));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
