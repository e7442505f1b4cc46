using System.Globalization;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Api.Demo;

/// <summary>
/// A few hundred made-up incidents across the six forces, the same on every machine (a fixed seed),
/// so that the console has something to search, link and page through. Phone numbers are in Ofcom's
/// range for drama (07700 900000 to 900999), which rings nobody; the news report's numbers are left
/// to its own story so that its chart stays the one the README describes. A few numbers, people and
/// cars recur, as a real crew's would, so that links and hubs appear.
/// </summary>
public static class DemoIncidents
{
    public const int Count = 300;

    private static readonly int[] StoryNumbers = [500, 611, 722];

    private static readonly (Force Force, Func<int, string> Reference, (string Town, string Postcode)[] Towns)[] Areas =
    [
        (Force.Bedfordshire, n => $"BED/2024/{n:0000}", [("Bedford", "MK40"), ("Luton", "LU1"), ("Dunstable", "LU6"), ("Leighton Buzzard", "LU7"), ("Biggleswade", "SG18")]),
        (Force.Cambridgeshire, n => $"CAM-24-{n:00000}", [("Cambridge", "CB1"), ("Peterborough", "PE1"), ("Huntingdon", "PE29"), ("Ely", "CB7"), ("St Neots", "PE19")]),
        (Force.Essex, n => $"EX-24-{8000 + n}", [("Chelmsford", "CM1"), ("Colchester", "CO1"), ("Southend-on-Sea", "SS1"), ("Basildon", "SS14"), ("Harlow", "CM20"), ("Brentwood", "CM14")]),
        (Force.Hertfordshire, n => $"HC/2024/{1000 + n}", [("Watford", "WD17"), ("St Albans", "AL1"), ("Stevenage", "SG1"), ("Hemel Hempstead", "HP1"), ("Bushey", "WD23"), ("Hitchin", "SG5")]),
        (Force.Norfolk, n => $"NFK/{60000 + n}", [("Norwich", "NR1"), ("King's Lynn", "PE30"), ("Great Yarmouth", "NR30"), ("Thetford", "IP24"), ("Cromer", "NR27")]),
        (Force.Suffolk, n => $"SUF/{7000 + n}", [("Ipswich", "IP1"), ("Bury St Edmunds", "IP33"), ("Lowestoft", "NR32"), ("Felixstowe", "IP11"), ("Sudbury", "CO10")]),
    ];

    private static readonly string[] FirstNames = ["Liam", "Connor", "Tyler", "Kieran", "Ashley", "Dean", "Marcus", "Jordan", "Callum", "Reece", "Nathan", "Jamie", "Lewis", "Kyle", "Bradley", "Shannon", "Leah", "Jade"];

    private static readonly string[] Surnames = ["Walsh", "Barker", "Doyle", "Fletcher", "Marsh", "Reeves", "Booth", "Chapman", "Holland", "Gibbs", "Lowe", "Short", "Pearce", "Kirby", "Nolan", "Tate"];

    private static readonly string[] Looks = ["Young man in a dark hooded top", "Man in his 20s, grey tracksuit, London accent", "Woman in her 30s with a lanyard", "Slim man, baseball cap, kept his face turned away", "Man in a high-visibility jacket", "Young man on a moped"];

    private static readonly string[] Callers = ["a police officer investigating fraud", "a detective from the Met", "her bank's fraud team", "his bank's security department", "a police officer who said her card had been cloned", "an officer who said staff at his branch were under arrest"];

    private static readonly string[] Victims = ["Woman in her 80s", "Man in his 80s", "Woman in her 70s", "Man in his 90s", "Woman in her late 60s", "Retired teacher in her 80s"];

    private static readonly (string Band, int Weight)[] AgeBands = [("60-69", 2), ("70-79", 4), ("80-89", 6), ("90+", 1)];

    /// <summary>The incidents, in the order their forces reported them.</summary>
    public static IReadOnlyList<(Force Force, IncidentReport Report)> Generate()
    {
        var random = new Random(17_2024);
        // Numbers and cars recur: a small pool drawn often (the crews) and a wide one drawn once (the one-off calls).
        var crewNumbers = Enumerable.Range(0, 24).Select(_ => Number(random)).Distinct().ToArray();
        var crewCars = Enumerable.Range(0, 14).Select(_ => Registration(random)).Distinct().ToArray();
        var crew = Enumerable.Range(0, 30).Select(_ => Person(random, crewCars)).ToArray();
        var incidents = new List<(Force, IncidentReport)>(Count);
        var counters = new int[Areas.Length];
        for (var i = 0; i < Count; i++)
        {
            var area = random.Next(Areas.Length);
            var (force, reference, towns) = Areas[area];
            var (town, postcode) = towns[random.Next(towns.Length)];
            incidents.Add((force, Incident(random, reference(++counters[area]), town, postcode, crewNumbers, crew)));
        }

        return incidents;
    }

    private static IncidentReport Incident(Random random, string reference, string town, string postcode, string[] crewNumbers, CourierReport[] crew)
    {
        var caller = random.Next(10) < 7 ? crewNumbers[Skewed(random, crewNumbers.Length)] : Number(random);
        var phones = new List<PhoneNumberReport> { new(caller, PhoneRole.Caller) };
        if (random.Next(6) == 0)
        {
            phones.Add(new PhoneNumberReport(crewNumbers[random.Next(crewNumbers.Length)], PhoneRole.Callback));
        }

        var scam = random.Next(8) == 0;
        var couriers = scam ? [] : random.Next(4) switch
        {
            0 => [new CourierReport(null, null, Looks[random.Next(Looks.Length)], null, null)],
            _ => new[] { crew[Skewed(random, crew.Length)] },
        };
        var bank = random.Next(3) == 0;
        var handling = random.Next(7) == 0 ? HandlingCode.C : HandlingCode.P;
        var victim = Victims[random.Next(Victims.Length)];
        var said = Callers[random.Next(Callers.Length)];
        var summary = scam
            ? $"{victim} in {town} was called by someone claiming to be {said}; recognised the call as a scam and hung up."
            : $"{victim} in {town} was called by someone claiming to be {said}; a courier later collected {Loss(random)}.";
        var occurred = new DateTimeOffset(2024, 1, 1, 9, 0, 0, TimeSpan.Zero).AddDays(random.Next(330)).AddMinutes(random.Next(600));
        return new IncidentReport(
            reference,
            occurred,
            IncidentCategory.CourierFraud,
            bank ? Impersonation.Bank : Impersonation.Police,
            scam ? [] : [LossType.BankCard, random.Next(2) == 0 ? LossType.Pin : LossType.Cash],
            new LocationReport(town, null, postcode),
            Band(random),
            summary,
            phones,
            couriers,
            [],
            new GradingReport(
                (SourceEvaluation)random.Next(3),
                (IntelligenceAssessment)random.Next(5),
                handling,
                handling == HandlingCode.C ? "Not to be disclosed outside policing without the owning force's consent." : null));
    }

    private static CourierReport Person(Random random, string[] cars)
    {
        var name = $"{FirstNames[random.Next(FirstNames.Length)]} {Surnames[random.Next(Surnames.Length)]}";
        var born = new DateOnly(1988, 1, 1).AddDays(random.Next(14 * 365));
        var pnc = random.Next(3) == 0 ? $"{random.Next(15, 24)}/{random.Next(100000, 999999)}{(char)('A' + random.Next(26))}" : null;
        return new CourierReport(name, born, Looks[random.Next(Looks.Length)], cars[random.Next(cars.Length)], pnc);
    }

    /// <summary>A number in the drama range, never one of the news report's.</summary>
    private static string Number(Random random)
    {
        int n;
        do
        {
            n = random.Next(1000);
        }
        while (StoryNumbers.Contains(n));

        return "07700 900" + n.ToString("000", CultureInfo.InvariantCulture);
    }

    /// <summary>A current-style plate (two letters, age identifier, three letters), never the news report's cars.</summary>
    private static string Registration(Random random)
    {
        const string letters = "ABCDEFGHJKLMNOPRSTUVWXY";
        char L() => letters[random.Next(letters.Length)];
        var age = new[] { 16, 17, 18, 19, 20, 21, 66, 67, 68, 69, 70, 71 }[random.Next(12)];
        return $"{L()}{L()}{age} {L()}{L()}{L()}";
    }

    private static string Loss(Random random) => random.Next(4) switch
    {
        0 => "her bank card and PIN",
        1 => "cash withdrawn that morning",
        2 => "bank cards and jewellery",
        _ => "his bank card",
    };

    private static string Band(Random random)
    {
        var pick = random.Next(AgeBands.Sum(b => b.Weight));
        foreach (var (band, weight) in AgeBands)
        {
            if ((pick -= weight) < 0)
            {
                return band;
            }
        }

        return AgeBands[^1].Band;
    }

    /// <summary>Low indexes far more often than high ones: a few crews do most of the calling.</summary>
    private static int Skewed(Random random, int length) => (int)(length * Math.Pow(random.NextDouble(), 2.5));
}
