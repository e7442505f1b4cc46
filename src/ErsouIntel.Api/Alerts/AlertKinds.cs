using ErsouIntel.Domain.Alerts;

namespace ErsouIntel.Api.Alerts;

/// <summary>The contract's names of the alert kinds, as the outbox stores them.</summary>
public static class AlertKinds
{
    public static string Name(AlertKind kind) => kind switch
    {
        AlertKind.NewLink => "NEW_LINK",
        AlertKind.NewMatch => "NEW_MATCH",
        AlertKind.CaseIncident => "CASE_INCIDENT",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static AlertKind Parse(string name) => name switch
    {
        "NEW_LINK" => AlertKind.NewLink,
        "NEW_MATCH" => AlertKind.NewMatch,
        "CASE_INCIDENT" => AlertKind.CaseIncident,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
