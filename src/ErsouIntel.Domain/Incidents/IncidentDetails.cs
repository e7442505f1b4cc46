namespace ErsouIntel.Domain.Incidents;

public enum SourceEvaluation { Reliable, Untested, NotReliable }

public enum IntelligenceAssessment { A, B, C, D, E }

/// <summary>P: lawful sharing permitted. C: lawful sharing permitted with conditions.</summary>
public enum HandlingCode { P, C }

public enum IncidentCategory { CourierFraud, ImpersonationFraud, OtherFraud, Other }

public enum Impersonation { Police, Bank, Other, None }

public enum LossType { BankCard, Pin, BankDetails, Cash, Jewellery, PersonalInformation, Other }

public enum PhoneRole { Caller, Callback, Spoofed, TextSender, Other }

public sealed record Grading(SourceEvaluation Source, IntelligenceAssessment Intelligence, HandlingCode Handling, string? Conditions);

public sealed record Location(string? Town, string? District, string? PostcodeDistrict);

/// <summary>A phone number on an incident, in E.164.</summary>
public sealed record IncidentPhone(string E164, PhoneRole Role);

/// <summary>
/// A courier as one incident describes them. <see cref="IdentityKeys"/> are what may join this
/// courier to the same person on other incidents: the PNC ID, or the normalised name with the
/// date of birth. A description never does.
/// </summary>
public sealed record CourierSighting(string? Name, DateOnly? DateOfBirth, string? Description, string? VehicleRegistration, string? PncId)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> IdentityKeys => PersonKeys.For(PncId, Name, DateOfBirth);
}

public sealed record SuspectSighting(string? Name, DateOnly? DateOfBirth, string? PncId, IReadOnlyList<string> Aliases)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> IdentityKeys => PersonKeys.For(PncId, Name, DateOfBirth);
}

/// <summary>The content of an incident after validation and normalisation: what an amendment compares.</summary>
public sealed record IncidentDetails(
    DateTimeOffset OccurredAt,
    IncidentCategory Category,
    Impersonation? Impersonated,
    IReadOnlyList<LossType> LossTypes,
    Location? Location,
    string? VictimAgeBand,
    string? Summary,
    IReadOnlyList<IncidentPhone> PhoneNumbers,
    IReadOnlyList<CourierSighting> Couriers,
    IReadOnlyList<SuspectSighting> Suspects,
    Grading Grading)
{
    /// <summary>A canonical fingerprint of the content: equal details, equal fingerprints.</summary>
    public string Fingerprint()
    {
        var canonical = System.Text.Json.JsonSerializer.Serialize(this, FingerprintJson.Options);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>Every vehicle registration the incident carries (on its couriers).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<string> VehicleRegistrations =>
        Couriers.Select(c => c.VehicleRegistration).OfType<string>().Distinct(StringComparer.Ordinal);
}

internal static class FingerprintJson
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
