using ErsouIntel.Domain.Common;

namespace ErsouIntel.Domain.Incidents;

/// <summary>A force system reported an incident for the first time. Stream: the incident, in its force's tenant.</summary>
public sealed record IncidentReported(Guid IncidentId, Force Force, string ForceReference, IncidentDetails Details, string ReportedBy, DateTimeOffset ReportedAt);

/// <summary>A force system sent different content for an incident it had reported; the earlier version stays in the stream.</summary>
public sealed record IncidentAmended(Guid IncidentId, IncidentDetails Details, string AmendedBy, DateTimeOffset AmendedAt);

/// <summary>A force system withdrew an incident: it stays in the history and the log, and links no more.</summary>
public sealed record IncidentRetracted(Guid IncidentId, string Reason, string RetractedBy, DateTimeOffset RetractedAt);

/// <summary>Commands carry the current time in: the domain never reads the clock.</summary>
public sealed record ReportIncident(Force Force, IncidentDetails Details, string ForceReference, Actor Actor, DateTimeOffset Now);

public sealed record RetractIncident(string Reason, Actor Actor, DateTimeOffset Now);
