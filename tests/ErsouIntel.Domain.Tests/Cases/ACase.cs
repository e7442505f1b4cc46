using ErsouIntel.Domain.Cases;
using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Domain.Tests.Cases;

/// <summary>
/// The story the case tests start from: an Essex investigator opens Operation Magpie; colleagues
/// in Essex and investigators of other forces come and go.
/// </summary>
internal static class ACase
{
    public static Guid Id { get; } = Guid.Parse("0f8d7c6b-5a49-4838-8271-605f4e3d2c1b");

    public static DateTimeOffset Now { get; } = new(2025, 3, 14, 10, 0, 0, TimeSpan.Zero);

    public static Actor EssexInvestigator { get; } = new("essex.dc.patel", Force.Essex);

    public static Actor EssexColleague { get; } = new("essex.ds.khan", Force.Essex);

    public static Actor HertsInvestigator { get; } = new("herts.dc.jones", Force.Hertfordshire);

    public static Actor NorfolkInvestigator { get; } = new("norfolk.dc.brown", Force.Norfolk);

    public static CaseOpened Opened { get; } = new(Id, "ERSOU-2025-17", "Courier fraud across Essex and Herts", "Operation Magpie", Force.Essex, EssexInvestigator.Subject, Now.AddDays(-1));

    public static CaseMemberAdded HertsJoined { get; } = new(Id, HertsInvestigator.Subject, EssexInvestigator.Subject, Now.AddHours(-20));

    public static CaseClosed Closed { get; } = new(Id, "Charged.", EssexInvestigator.Subject, Now.AddHours(-1));

    public static IncidentFacts AnIncident(Force force, HandlingCode handling, string reference = "REF-1", bool retracted = false) =>
        new(Incident.IdFor(force, reference), force, reference, handling, retracted);

    public static IncidentAttachedToCase Attached(IncidentFacts incident) =>
        new(Id, incident.Id, incident.Force, incident.ForceReference, incident.Handling, EssexInvestigator.Subject, Now.AddHours(-2));

    /// <summary>A case as its stream tells it, from its events.</summary>
    public static Case? From(params object[] events) => events.Aggregate((Case?)null, Case.Evolve);

    public static Case Open(params object[] laterEvents) => From([Opened, .. laterEvents])!;
}
