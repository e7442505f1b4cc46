using System.Security.Claims;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Common;

namespace ErsouIntel.Api.Identity;

/// <summary>Who is asking: read from the request's claims principal and nowhere else.</summary>
public sealed record Caller(string Subject, Force? Force, IReadOnlyList<string> Roles, IReadOnlyList<string> Scopes, string? ClientId)
{
    public const string SubjectClaim = "sub";
    public const string ForceClaim = "force";
    public const string RoleClaim = "role";
    public const string ClientClaim = "client_id";
    public const string ScopeClaim = "scope";

    /// <summary>Where OpenIddict keeps the granted scopes inside its tokens.</summary>
    public const string GrantedScopeClaim = "oi_scp";

    public bool HasScope(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);

    public Actor Actor => new(Subject, Force);

    public bool IsInRole(string role) => Roles.Contains(role, StringComparer.Ordinal);

    /// <summary>The caller behind an authenticated principal, or null for an anonymous one.</summary>
    public static Caller? From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        var subject = principal.FindFirstValue(SubjectClaim) ?? principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (string.IsNullOrEmpty(subject))
        {
            return null;
        }

        var force = Forces.TryParse(principal.FindFirstValue(ForceClaim), out var f) ? f : (Force?)null;
        var roles = principal.FindAll(RoleClaim).Concat(principal.FindAll(ClaimTypes.Role)).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
        // Scopes arrive as one space-separated claim or as one claim each.
        var scopes = principal.FindAll(ScopeClaim).Concat(principal.FindAll(GrantedScopeClaim))
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).ToList();
        // A force system's token carries a force and the write scope but no role claim; it is named
        // by its role like every other caller, so that the access log says what kind of caller it was.
        if (force is not null && scopes.Contains(Access.Roles.WriteScope, StringComparer.Ordinal) && !roles.Contains(Access.Roles.ForceSystem, StringComparer.Ordinal))
        {
            roles.Add(Access.Roles.ForceSystem);
        }

        // The same for a witness: the token server grants the scope only to a client registered as one.
        if (scopes.Contains(Access.Roles.WitnessScope, StringComparer.Ordinal) && !roles.Contains(Access.Roles.Witness, StringComparer.Ordinal))
        {
            roles.Add(Access.Roles.Witness);
        }

        return new Caller(subject, force, roles, scopes, principal.FindFirstValue(ClientClaim));
    }
}
