using ErsouIntel.Domain.Common;

namespace ErsouIntel.Domain.Incidents;

public enum ReportOutcome { Created, Unchanged, Amended }

/// <summary>An incident as its stream tells it: the current content, and whether it was retracted.</summary>
public sealed record Incident(
    Guid Id,
    Force Force,
    string ForceReference,
    IncidentDetails Details,
    string Fingerprint,
    DateTimeOffset ReportedAt,
    bool Retracted,
    int Version)
{
    /// <summary>The stream id of an incident: derived from its force and reference, so two pushes of one reference meet on one stream.</summary>
    public static Guid IdFor(Force force, string forceReference) =>
        DeterministicId.From($"incident|{force.TenantId()}|{forceReference}");

    public static Incident? Evolve(Incident? state, object @event) => @event switch
    {
        IncidentReported e => new Incident(e.IncidentId, e.Force, e.ForceReference, e.Details, e.Details.Fingerprint(), e.ReportedAt, false, 1),
        IncidentAmended e when state is not null => state with { Details = e.Details, Fingerprint = e.Details.Fingerprint(), Version = state.Version + 1 },
        IncidentRetracted when state is not null => state with { Retracted = true, Version = state.Version + 1 },
        _ => state,
    };

    /// <summary>
    /// An upsert by force reference: the first push creates, the same content again changes
    /// nothing (a retry is harmless), different content amends. A retracted incident takes no
    /// amendments.
    /// </summary>
    public static (ReportOutcome? Outcome, IReadOnlyList<object> Events, UserError? Error) Decide(Incident? current, ReportIncident command)
    {
        var id = IdFor(command.Force, command.ForceReference);
        if (current is null)
        {
            return (ReportOutcome.Created, [new IncidentReported(id, command.Force, command.ForceReference, command.Details, command.Actor.Subject, command.Now)], null);
        }

        if (current.Fingerprint == command.Details.Fingerprint())
        {
            return (ReportOutcome.Unchanged, [], null);
        }

        if (current.Retracted)
        {
            return (null, [], UserError.At(UserErrorCodes.Retracted, "This incident was retracted and takes no amendments.", "forceReference"));
        }

        return (ReportOutcome.Amended, [new IncidentAmended(id, command.Details, command.Actor.Subject, command.Now)], null);
    }

    public static (IReadOnlyList<object> Events, UserError? Error) Decide(Incident? current, RetractIncident command)
    {
        if (current is null)
        {
            return ([], UserError.At(UserErrorCodes.NotFound, "Your force has no incident with this reference.", "forceReference"));
        }

        if (string.IsNullOrWhiteSpace(command.Reason))
        {
            return ([], UserError.At(UserErrorCodes.Required, "A retraction needs a reason.", "reason"));
        }

        if (command.Reason.Trim().Length > IncidentValidation.MaxDescription)
        {
            return ([], UserError.At(UserErrorCodes.TooLong, $"The reason is longer than {IncidentValidation.MaxDescription} characters.", "reason"));
        }

        // Retracting twice is a retry, not an error: nothing more is written.
        return current.Retracted
            ? ([], null)
            : ([new IncidentRetracted(current.Id, command.Reason.Trim(), command.Actor.Subject, command.Now)], null);
    }
}
