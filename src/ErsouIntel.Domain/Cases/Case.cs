using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Domain.Cases;

public enum CaseStatus { Open, Closed }

public sealed record AttachedIncident(Guid IncidentId, Force Force, string ForceReference, HandlingCode Handling);

/// <summary>What a case decision needs to know about an incident: the facts, not the content.</summary>
public sealed record IncidentFacts(Guid Id, Force Force, string ForceReference, HandlingCode Handling, bool Retracted);

/// <summary>Open a case. <see cref="Purpose"/> and <see cref="Justification"/> are null when left out.</summary>
/// <param name="ReferenceTaken">Whether the caller's force already leads a case with this reference (trimmed). Other forces' references are never asked: they neither refuse nor disclose anything.</param>
public sealed record OpenCase(
    Guid CaseId,
    string Reference,
    string Title,
    string? OperationName,
    Actor Actor,
    DateTimeOffset Now,
    Purpose? Purpose = null,
    string? Justification = null,
    bool ReferenceTaken = false);

/// <summary>Attach an incident; <see cref="Incident"/> is null when no incident has the id given.</summary>
/// <param name="Justification">The action's own justification, logged instead of the case's; null when left out.</param>
public sealed record AttachIncident(IncidentFacts? Incident, int? ExpectedVersion, Actor Actor, DateTimeOffset Now, string? Justification = null);

public sealed record AddCaseNote(Guid NoteId, string Text, int? ExpectedVersion, Actor Actor, DateTimeOffset Now, string? Justification = null);

public sealed record AddCaseMember(string Username, Actor Actor, DateTimeOffset Now, string? Justification = null);

public sealed record CloseCase(string Reason, int? ExpectedVersion, Actor Actor, DateTimeOffset Now, string? Justification = null);

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
    int Version,
    Purpose Purpose,
    string Justification)
{
    public const int MaxReference = 64;
    public const int MaxTitle = 200;
    public const int MaxNote = 10_000;
    public const int MaxReason = 1000;
    public const int MaxUsername = 100;

    /// <summary>A justification given with a case or one of its actions: as for an access scope (<see cref="Common.Justification"/>).</summary>
    public const int MinJustification = Common.Justification.Min;

    public const int MaxJustification = Common.Justification.Max;

    /// <summary>A case is visible to its members and to the investigators of its lead force.</summary>
    public bool IsVisibleTo(Actor actor) => Members.Contains(actor.Subject, StringComparer.Ordinal) || actor.Force == LeadForce;

    public bool IsMember(string subject) => Members.Contains(subject, StringComparer.Ordinal);

    /// <summary>
    /// The attached incidents that membership opens to a new member of <paramref name="memberForce"/>: another force's
    /// C records, which they could not see in full before. Their own force's records and P records they saw already.
    /// When the member's force is not known, every attached C record counts: a disclosure may be logged twice, never missed.
    /// </summary>
    public IReadOnlyList<AttachedIncident> NewlyOpenedTo(Force? memberForce) =>
        Incidents.Where(i => i.Handling == HandlingCode.C && i.Force != memberForce).ToList();

    public static Case? Evolve(Case? state, object @event) => @event switch
    {
        // Events written before cases had a purpose and a justification read as the defaults openCase gives now.
        CaseOpened e => new Case(e.CaseId, e.Reference, e.Title, e.OperationName, e.LeadForce, CaseStatus.Open, [e.OpenedBy], [], e.OpenedAt, 1,
            e.Purpose ?? Purpose.Investigation, e.Justification ?? e.Title),
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

        var justification = GivenJustification(command.Justification, errors);
        if (reference is not null && command.ReferenceTaken)
        {
            errors.Add(UserError.At(UserErrorCodes.DuplicateReference, "Your force already has a case with this reference.", "reference"));
        }

        // Left out, the justification is the title as it is, whatever its length: the title is what the case is
        // about, and refusing a short one would refuse openings that were valid before cases had a justification.
        return errors.Count > 0
            ? ([], errors)
            : ([new CaseOpened(command.CaseId, reference!, title!, operation, force, command.Actor.Subject, command.Now,
                command.Purpose ?? Purpose.Investigation, justification ?? title!)], errors);
    }

    /// <summary>
    /// A justification as given with a case or an action: null when left out; anything given, blank included,
    /// must hold 10 to 500 characters once trimmed, as an access scope's must.
    /// </summary>
    public static string? GivenJustification(string? given, List<UserError> errors)
    {
        if (given is null)
        {
            return null;
        }

        var (text, refusedWith, problem) = Common.Justification.Check(given);
        if (refusedWith is not null)
        {
            errors.Add(UserError.At(refusedWith, problem ?? $"A justification, when given, holds {MinJustification} to {MaxJustification} characters.", "justification"));
        }

        return text;
    }

    /// <summary>What an action on the case is logged with: its own justification when given, else the case's.</summary>
    public string JustificationFor(string? given) => given?.Trim() is { Length: > 0 } own ? own : Justification;

    public static (IReadOnlyList<object> Events, IReadOnlyList<UserError> Errors) Decide(Case? state, AttachIncident command)
    {
        if (Refuse(state, command.Actor, command.ExpectedVersion) is { } refused)
        {
            return ([], [refused]);
        }

        var invalid = new List<UserError>();
        GivenJustification(command.Justification, invalid);
        if (invalid.Count > 0)
        {
            return ([], invalid);
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

        GivenJustification(command.Justification, errors);
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
        GivenJustification(command.Justification, errors);
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
        GivenJustification(command.Justification, errors);
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
