using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Domain.Cases;

public enum CaseStatus { Open, Closed }

public sealed record AttachedIncident(Guid IncidentId, Force Force, string ForceReference, HandlingCode Handling);

/// <summary>What a case decision needs to know about an incident: the facts, not the content.</summary>
public sealed record IncidentFacts(Guid Id, Force Force, string ForceReference, HandlingCode Handling, bool Retracted);

public sealed record OpenCase(Guid CaseId, string Reference, string Title, string? OperationName, Actor Actor, DateTimeOffset Now);

/// <summary>Attach an incident; <see cref="Incident"/> is null when no incident has the id given.</summary>
public sealed record AttachIncident(IncidentFacts? Incident, int? ExpectedVersion, Actor Actor, DateTimeOffset Now);

public sealed record AddCaseNote(Guid NoteId, string Text, int? ExpectedVersion, Actor Actor, DateTimeOffset Now);

public sealed record AddCaseMember(string Username, Actor Actor, DateTimeOffset Now);

public sealed record CloseCase(string Reason, int? ExpectedVersion, Actor Actor, DateTimeOffset Now);

/// <summary>A shared case: who leads it, who works it, which incidents it joins.</summary>
public sealed record Case(
    Guid Id,
    string Reference,
    string Title,
    string? OperationName,
    Force LeadForce,
    CaseStatus Status,
    IReadOnlyList<string> Members,
    IReadOnlyList<AttachedIncident> Incidents,
    DateTimeOffset OpenedAt,
    int Version)
{
    public const int MaxReference = 64;
    public const int MaxTitle = 200;
    public const int MaxNote = 10_000;
    public const int MaxReason = 1000;
    public const int MaxUsername = 100;

    /// <summary>A case is visible to its members and to the investigators of its lead force.</summary>
    public bool IsVisibleTo(Actor actor) => Members.Contains(actor.Subject, StringComparer.Ordinal) || actor.Force == LeadForce;

    public bool IsMember(string subject) => Members.Contains(subject, StringComparer.Ordinal);

    public static Case? Evolve(Case? state, object @event) => @event switch
    {
        CaseOpened e => new Case(e.CaseId, e.Reference, e.Title, e.OperationName, e.LeadForce, CaseStatus.Open, [e.OpenedBy], [], e.OpenedAt, 1),
        IncidentAttachedToCase e when state is not null => state with
        {
            Incidents = [.. state.Incidents, new AttachedIncident(e.IncidentId, e.IncidentForce, e.ForceReference, e.Handling)],
            Version = state.Version + 1,
        },
        CaseNoteAdded when state is not null => state with { Version = state.Version + 1 },
        CaseMemberAdded e when state is not null => state with { Members = [.. state.Members, e.Username], Version = state.Version + 1 },
        CaseClosed when state is not null => state with { Status = CaseStatus.Closed, Version = state.Version + 1 },
        _ => state,
    };

    public static (IReadOnlyList<object> Events, IReadOnlyList<UserError> Errors) Decide(OpenCase command)
    {
        var errors = new List<UserError>();
        if (command.Actor.Force is not { } force)
        {
            errors.Add(UserError.At(UserErrorCodes.Forbidden, "Only an investigator of a force can open a case."));
            return ([], errors);
        }

        var reference = Required(command.Reference, MaxReference, "reference", errors);
        var title = Required(command.Title, MaxTitle, "title", errors);
        var operation = string.IsNullOrWhiteSpace(command.OperationName) ? null : command.OperationName.Trim();
        if (operation is { Length: > MaxTitle })
        {
            errors.Add(UserError.At(UserErrorCodes.TooLong, $"operationName is longer than {MaxTitle} characters.", "operationName"));
        }

        if (operation is not null && TypedText.Check(operation, "operationName") is { } typed)
        {
            errors.Add(typed);
        }

        return errors.Count > 0
            ? ([], errors)
            : ([new CaseOpened(command.CaseId, reference!, title!, operation, force, command.Actor.Subject, command.Now)], errors);
    }

    public static (IReadOnlyList<object> Events, IReadOnlyList<UserError> Errors) Decide(Case? state, AttachIncident command)
    {
        if (Refuse(state, command.Actor, command.ExpectedVersion) is { } refused)
        {
            return ([], [refused]);
        }

        // The case is checked first: a caller who may not work the case learns nothing about the incident id.
        var notFound = UserError.At(UserErrorCodes.NotFound, "No incident you can see in full has this id.", "incidentId");
        if (command.Incident is not { } incident)
        {
            return ([], [notFound]);
        }

        if (state!.Incidents.Any(i => i.IncidentId == incident.Id))
        {
            // Attaching twice is a retry: nothing more is written.
            return ([], []);
        }

        if (incident.Handling == HandlingCode.C && incident.Force != command.Actor.Force)
        {
            // Same answer as an unknown id: a withheld record's existence is not confirmed by its id.
            // Asked before retraction, so that RETRACTED tells nothing about a record the caller cannot see.
            return ([], [notFound]);
        }

        if (incident.Retracted)
        {
            return ([], [UserError.At(UserErrorCodes.Retracted, "A retracted incident cannot be attached.", "incidentId")]);
        }

        return ([new IncidentAttachedToCase(state.Id, incident.Id, incident.Force, incident.ForceReference, incident.Handling, command.Actor.Subject, command.Now)], []);
    }

    public static (IReadOnlyList<object> Events, IReadOnlyList<UserError> Errors) Decide(Case? state, AddCaseNote command)
    {
        if (Refuse(state, command.Actor, command.ExpectedVersion) is { } refused)
        {
            return ([], [refused]);
        }

        var errors = new List<UserError>();
        var text = Required(command.Text, MaxNote, "text", errors);
        if (text is not null && TypedText.Check(text, "text", lineFeedsAllowed: true) is { } typed)
        {
            errors.Add(typed);
        }

        return errors.Count > 0
            ? ([], errors)
            : ([new CaseNoteAdded(state!.Id, command.NoteId, text!, command.Actor.Subject, command.Actor.Force, command.Now)], errors);
    }

    public static (IReadOnlyList<object> Events, IReadOnlyList<UserError> Errors) Decide(Case? state, AddCaseMember command)
    {
        if (Refuse(state, command.Actor, expectedVersion: null) is { } refused)
        {
            return ([], [refused]);
        }

        var errors = new List<UserError>();
        var username = Required(command.Username, MaxUsername, "username", errors);
        if (errors.Count > 0)
        {
            return ([], errors);
        }

        // Adding a member twice is a retry: nothing more is written.
        return state!.IsMember(username!)
            ? ([], [])
            : ([new CaseMemberAdded(state.Id, username!, command.Actor.Subject, command.Now)], []);
    }

    public static (IReadOnlyList<object> Events, IReadOnlyList<UserError> Errors) Decide(Case? state, CloseCase command)
    {
        if (Refuse(state, command.Actor, command.ExpectedVersion) is { } refused)
        {
            return ([], [refused]);
        }

        var errors = new List<UserError>();
        var reason = Required(command.Reason, MaxReason, "reason", errors);
        return errors.Count > 0
            ? ([], errors)
            : ([new CaseClosed(state!.Id, reason!, command.Actor.Subject, command.Now)], errors);
    }

    /// <summary>The checks every change to a case starts with, in the order a caller can act on them.</summary>
    private static UserError? Refuse(Case? state, Actor actor, int? expectedVersion)
    {
        if (state is null || !state.IsVisibleTo(actor))
        {
            // One answer for "no such case" and "not yours": an id is not a key to its contents.
            return UserError.At(UserErrorCodes.NotFound, "No case you can see has this id.", "caseId");
        }

        if (expectedVersion is { } expected && expected != state.Version)
        {
            return UserError.At(UserErrorCodes.VersionConflict, $"The case is at version {state.Version}, not {expected}; reload it and try again.", "expectedVersion");
        }

        if (state.Status == CaseStatus.Closed)
        {
            return UserError.At(UserErrorCodes.CaseClosed, "The case is closed.", "caseId");
        }

        return null;
    }

    private static string? Required(string? value, int max, string field, List<UserError> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(UserError.At(UserErrorCodes.Required, $"{field} is required.", field));
            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length > max)
        {
            errors.Add(UserError.At(UserErrorCodes.TooLong, $"{field} is longer than {max} characters.", field));
            return null;
        }

        return trimmed;
    }
}
