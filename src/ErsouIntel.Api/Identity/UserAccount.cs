using ErsouIntel.Api.Access;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Identity;

/// <summary>A person who signs in: an investigator of a force, an auditor (region-wide or of a force), or an admin.</summary>
public sealed class UserAccount
{
    public const int MaxFailedLogins = 5;

    public static readonly IReadOnlyList<string> AllRoles = [Roles.Investigator, Roles.Auditor, Roles.Admin];

    public Guid Id { get; set; }

    public required string Username { get; set; }

    public required string PasswordHash { get; set; }

    public required string Role { get; set; }

    public Force? Force { get; set; }

    public bool Disabled { get; set; }

    public int FailedLogins { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The one scope this user's role may hold.</summary>
    public string Scope => Role switch
    {
        Roles.Investigator => Roles.ReadScope,
        Roles.Auditor => Roles.AuditScope,
        _ => Roles.AdminScope,
    };
}
