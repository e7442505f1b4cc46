namespace ErsouIntel.Domain;

/// <summary>The six forces of the eastern region; each is one tenant of the event store.</summary>
public enum Force
{
    Bedfordshire,
    Cambridgeshire,
    Essex,
    Hertfordshire,
    Norfolk,
    Suffolk,
}

public static class Forces
{
    public static IReadOnlyList<Force> All { get; } = Enum.GetValues<Force>();

    /// <summary>The tenant id of a force in the event store, written as in the schema (<c>HERTFORDSHIRE</c>).</summary>
    public static string TenantId(this Force force) => force.ToString().ToUpperInvariant();

    /// <summary>The force of a tenant id; throws for anything else, since tenant ids are ours.</summary>
    public static Force FromTenantId(string? tenantId) =>
        TryParse(tenantId, out var force) ? force : throw new ArgumentException($"'{tenantId}' is not a force.", nameof(tenantId));

    /// <summary>Reads a force written as in the schema's <c>Force</c> enum, in any letter case.</summary>
    public static bool TryParse(string? value, out Force force)
    {
        force = default;
        // Enum.TryParse would also take "3" for the fourth force: only names count.
        return !string.IsNullOrEmpty(value) && char.IsAsciiLetter(value[0])
            && Enum.TryParse(value, ignoreCase: true, out force) && Enum.IsDefined(force);
    }
}
