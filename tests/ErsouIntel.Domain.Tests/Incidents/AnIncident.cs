using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Domain.Tests.Incidents;

/// <summary>
/// The story the incident tests start from: a Hertfordshire system reports a courier fraud with a
/// caller's phone number and a courier who came in a car. Each test changes only what it is about.
/// </summary>
internal static class AnIncident
{
    public const string Reference = "HC/2025/0001";

    public static DateTimeOffset Now { get; } = new(2025, 3, 14, 10, 0, 0, TimeSpan.Zero);

    public static Actor HertfordshireSystem { get; } = new("herts-crime-system", Force.Hertfordshire);

    public static IncidentReport Report() => new(
        ForceReference: Reference,
        OccurredAt: Now.AddDays(-2),
        Category: IncidentCategory.CourierFraud,
        Impersonated: Impersonation.Police,
        LossTypes: [LossType.BankCard, LossType.Pin],
        Location: new LocationReport("Watford", "Three Rivers", "WD19"),
        VictimAgeBand: "80-89",
        Summary: "Caller posed as a detective; a courier collected the victim's bank card.",
        PhoneNumbers: [new PhoneNumberReport("07700 900123", PhoneRole.Caller)],
        Couriers: [ACourier()],
        Suspects: [],
        Grading: new GradingReport(SourceEvaluation.Reliable, IntelligenceAssessment.B, HandlingCode.P, null));

    public static CourierReport ACourier() =>
        new("John Smith", new DateOnly(1990, 5, 1), "Tall, grey hoodie", "ab12 cde", "2019/0012345a");

    public static SuspectReport ASuspect() =>
        new("Mary Jones", new DateOnly(1985, 7, 9), "18/54321B", ["Polly"]);

    public static IncidentReport WithPhones(this IncidentReport report, params string[] numbers) =>
        report with { PhoneNumbers = [.. numbers.Select(n => new PhoneNumberReport(n, PhoneRole.Caller))] };

    public static IncidentReport WithCouriers(this IncidentReport report, params CourierReport[] couriers) =>
        report with { Couriers = couriers };

    public static IncidentReport WithSuspects(this IncidentReport report, params SuspectReport[] suspects) =>
        report with { Suspects = suspects };

    public static IncidentReport GradedC(this IncidentReport report, string? conditions) =>
        report with { Grading = report.Grading with { Handling = HandlingCode.C, Conditions = conditions } };

    /// <summary>The details a valid report becomes; fails the test when the report is refused.</summary>
    public static IncidentDetails Validated(this IncidentReport report)
    {
        var (details, errors) = IncidentValidation.Validate(report, Now);
        Assert.Empty(errors);
        return Assert.IsType<IncidentDetails>(details);
    }

    /// <summary>The errors a report is refused with; fails the test when it is accepted.</summary>
    public static IReadOnlyList<UserError> Refused(this IncidentReport report)
    {
        var (details, errors) = IncidentValidation.Validate(report, Now);
        Assert.Null(details);
        Assert.NotEmpty(errors);
        return errors;
    }

    public static ReportIncident PushedBy(this IncidentReport report, Actor system, DateTimeOffset at) =>
        new(system.Force!.Value, report.Validated(), report.ForceReference, system, at);

    public static ReportIncident Pushed(this IncidentReport report) => report.PushedBy(HertfordshireSystem, Now);

    /// <summary>An incident as its stream tells it, from its events.</summary>
    public static Incident? From(params object[] events) => events.Aggregate((Incident?)null, Incident.Evolve);

    public static IncidentReported Reported(IncidentReport report) =>
        new(Incident.IdFor(Force.Hertfordshire, report.ForceReference), Force.Hertfordshire, report.ForceReference, report.Validated(), HertfordshireSystem.Subject, Now.AddHours(-1));
}
