using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Domain.Cases;

/// <summary>An investigator opened a case; their force leads it and they are its first member. Stream: the case, in the lead force's tenant.</summary>
/// <param name="Purpose">Why the case is worked; null in events written before cases had one, read as investigation.</param>
/// <param name="Justification">The case's justification, logged with every action on it; null in events written before cases had one, read as the title.</param>
public sealed record CaseOpened(
    Guid CaseId,
    string Reference,
    string Title,
    string? OperationName,
    Force LeadForce,
    string OpenedBy,
    DateTimeOffset OpenedAt,
    Purpose? Purpose = null,
    string? Justification = null);

/// <summary>An incident (of any force) was attached to the case; every member now sees it in full.</summary>
public sealed record IncidentAttachedToCase(Guid CaseId, Guid IncidentId, Force IncidentForce, string ForceReference, HandlingCode Handling, string AttachedBy, DateTimeOffset AttachedAt);

public sealed record CaseNoteAdded(Guid CaseId, Guid NoteId, string Text, string AddedBy, Force? AddedByForce, DateTimeOffset AddedAt);

public sealed record CaseMemberAdded(Guid CaseId, string Username, string AddedBy, DateTimeOffset AddedAt);

public sealed record CaseClosed(Guid CaseId, string Reason, string ClosedBy, DateTimeOffset ClosedAt);
