using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Api.Demo;

/// <summary>
/// The story of <c>shared/domain/news-report.txt</c> as the forces would report it: a boiler-room
/// number calls victims in Hertfordshire and Essex, a courier crew works three forces, cars are shared.
/// The same five incidents as the scenario test (CourierFraudAcrossTheRegionTests), so that what a
/// newcomer sees is what the tests prove.
/// </summary>
public static class DemoScenario
{
    /// <summary>The number the README tells a newcomer to search for.</summary>
    public const string BoilerRoom = "07700 900500";

    public const string SharedCar = "KX21 ABC";

    private static readonly CourierReport Jay = new("Jay Holt", new DateOnly(2001, 7, 14), "Young man, grey tracksuit", "KX21 ABC", "21/334455J");

    /// <summary>The first reports, force by force, as each force's system pushed them.</summary>
    public static IReadOnlyList<(Force Force, IncidentReport Report)> Reports { get; } =
    [
        (Force.Hertfordshire, Courier("HC/2024/0311", [BoilerRoom], [Jay], HandlingCode.P, "Oxhey", "WD19", "80-89", "Man in his 80s in Oxhey handed bank card, cash and jewellery to a courier")),
        (Force.Hertfordshire, Courier("HC/2024/0318", [BoilerRoom], [new("Ravi Dunn", new DateOnly(1999, 11, 2), null, "KX21ABC", null)], HandlingCode.C, "Rickmansworth", "WD3", "60-69", "Man in his late 60s in Rickmansworth gave PIN and account details; cards collected")),
        (Force.Essex, Courier("EX-24-7781", ["07700 900611"], [EssexJay()], HandlingCode.P, "Chelmsford", "CM1", "80-89", "Woman in her 80s in Chelmsford handed over her bank card")),
        (Force.Norfolk, Courier("NFK/55120", ["07700 900611"], [new("Sam Pike", new DateOnly(1995, 1, 1), null, "YR19XYZ", null)], HandlingCode.C, "Norwich", "NR1", "70-79", "Man in his 70s in Norwich; courier collected cash")),
        (Force.Suffolk, Courier("SUF/9001", ["07700 900722"], [], HandlingCode.P, "Ipswich", "IP1", "80-89", "Woman in Ipswich recognised the call as a scam")),
    ];

    /// <summary>Essex's amendment: the victim's callback number was the boiler room's, which joins Essex to Hertfordshire.</summary>
    public static (Force Force, IncidentReport Report) EssexCallback { get; } = (Force.Essex, Reports[2].Report with
    {
        PhoneNumbers = [new("07700 900611", PhoneRole.Caller), new("+447700900500", PhoneRole.Callback)],
    });

    private static CourierReport EssexJay() => new("Jay Holt", null, null, "YR19 XYZ", "21/334455J");

    private static IncidentReport Courier(string reference, string[] phones, CourierReport[] couriers, HandlingCode handling, string town, string postcode, string ageBand, string summary) => new(
        reference,
        new DateTimeOffset(2024, 3, 12, 14, 5, 0, TimeSpan.Zero),
        IncidentCategory.CourierFraud,
        Impersonation.Police,
        [LossType.BankCard, LossType.Pin],
        new LocationReport(town, null, postcode),
        ageBand,
        summary,
        [.. phones.Select(p => new PhoneNumberReport(p, PhoneRole.Caller))],
        couriers,
        [],
        new GradingReport(SourceEvaluation.Reliable, IntelligenceAssessment.B, handling,
            handling == HandlingCode.C ? "Not to be disclosed outside policing without the owning force's consent." : null));
}
