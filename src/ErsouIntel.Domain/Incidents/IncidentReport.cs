using ErsouIntel.Domain.Common;

namespace ErsouIntel.Domain.Incidents;

public sealed record PhoneNumberReport(string Number, PhoneRole Role);

public sealed record CourierReport(string? Name, DateOnly? DateOfBirth, string? Description, string? VehicleRegistration, string? PncId);

public sealed record SuspectReport(string? Name, DateOnly? DateOfBirth, string? PncId, IReadOnlyList<string>? Aliases);

public sealed record LocationReport(string? Town, string? District, string? PostcodeDistrict);

public sealed record GradingReport(SourceEvaluation Source, IntelligenceAssessment Intelligence, HandlingCode Handling, string? Conditions);

/// <summary>An incident as a force system sends it, before validation (the contract's <c>ReportIncidentInput</c>).</summary>
public sealed record IncidentReport(
    string ForceReference,
    DateTimeOffset OccurredAt,
    IncidentCategory Category,
    Impersonation? Impersonated,
    IReadOnlyList<LossType>? LossTypes,
    LocationReport? Location,
    string? VictimAgeBand,
    string? Summary,
    IReadOnlyList<PhoneNumberReport>? PhoneNumbers,
    IReadOnlyList<CourierReport>? Couriers,
    IReadOnlyList<SuspectReport>? Suspects,
    GradingReport Grading);
