namespace ErsouIntel.Api.Access;

/// <summary>The roles and scopes of the contract's callers.</summary>
public static class Roles
{
    /// <summary>A force's system pushing incidents: the role of every caller holding <see cref="WriteScope"/> for a force.</summary>
    public const string ForceSystem = "force-system";
    public const string Investigator = "investigator";
    public const string Auditor = "auditor";
    public const string Admin = "admin";

    /// <summary>A force system registered as a witness of the access log (<c>admin add-witness</c>): the role of every caller holding <see cref="WitnessScope"/>.</summary>
    public const string Witness = "witness";

    public const string WriteScope = "intel:write";
    public const string ReadScope = "intel:read";
    public const string AuditScope = "audit:read";
    public const string AdminScope = "admin";
    public const string WitnessScope = "log:witness";
}
