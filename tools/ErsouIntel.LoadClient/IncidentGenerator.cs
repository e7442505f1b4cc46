using System.Globalization;

namespace ErsouIntel.LoadClient;

/// <summary>A force as a force system names it: the schema's enum name, its client id and a reference prefix.</summary>
public sealed record ForceSpec(string Name, string ClientId, string Prefix, string[] Towns, string[] PostcodeDistricts);

public sealed record LocationInput(string? Town, string? PostcodeDistrict);

public sealed record PhoneNumberInput(string Number, string Role);

public sealed record CourierInput(string? Name, string? DateOfBirth, string? Description, string? VehicleRegistration, string? PncId);

public sealed record SuspectInput(string? Name, string? DateOfBirth, string? PncId, IReadOnlyList<string>? Aliases);

public sealed record GradingInput(string Source, string Intelligence, string Handling, string? Conditions);

/// <summary>The contract's <c>ReportIncidentInput</c>, as JSON variables (camelCase, nulls left out).</summary>
public sealed record IncidentInput(
    string ForceReference,
    string OccurredAt,
    string Category,
    string? Impersonated,
    IReadOnlyList<string>? LossTypes,
    LocationInput? Location,
    string? VictimAgeBand,
    string? Summary,
    IReadOnlyList<PhoneNumberInput>? PhoneNumbers,
    IReadOnlyList<CourierInput>? Couriers,
    IReadOnlyList<SuspectInput>? Suspects,
    GradingInput Grading);

/// <summary>One generated incident and the force whose system sends it.</summary>
public sealed record GeneratedIncident(ForceSpec Force, IncidentInput Input);

/// <summary>
/// Deterministic courier-fraud incidents: the same seed and count give the same incidents, in the
/// same order, on every machine. Like the real thing, a few caller numbers, couriers, suspects and
/// cars turn up again and again across force borders, while most numbers appear once.
/// </summary>
public static class IncidentGenerator
{
    public static readonly IReadOnlyList<ForceSpec> Forces =
    [
        new("BEDFORDSHIRE", "bedfordshire-system", "BED", ["Luton", "Bedford", "Dunstable", "Leighton Buzzard"], ["LU1", "LU4", "MK40", "MK42", "LU6", "LU7"]),
        new("CAMBRIDGESHIRE", "cambridgeshire-system", "CAM", ["Cambridge", "Peterborough", "Ely", "Huntingdon"], ["CB1", "CB4", "PE1", "PE3", "CB7", "PE29"]),
        new("ESSEX", "essex-system", "ESX", ["Chelmsford", "Colchester", "Southend-on-Sea", "Basildon"], ["CM1", "CM2", "CO1", "CO4", "SS1", "SS14"]),
        new("HERTFORDSHIRE", "hertfordshire-system", "HRT", ["Watford", "St Albans", "Stevenage", "Hemel Hempstead"], ["WD17", "WD19", "AL1", "SG1", "HP1", "HP2"]),
        new("NORFOLK", "norfolk-system", "NFK", ["Norwich", "King's Lynn", "Great Yarmouth", "Thetford"], ["NR1", "NR2", "PE30", "NR30", "IP24", "NR4"]),
        new("SUFFOLK", "suffolk-system", "SFK", ["Ipswich", "Bury St Edmunds", "Lowestoft", "Felixstowe"], ["IP1", "IP4", "IP33", "NR32", "IP11", "IP3"]),
    ];

    private const int SharedPhones = 600;
    private const int SharedCouriers = 300;
    private const int SharedSuspects = 80;

    private static readonly string[] Forenames = ["Jamie", "Callum", "Kyle", "Liam", "Connor", "Ryan", "Jordan", "Aaron", "Dean", "Lewis", "Nathan", "Reece", "Tyler", "Bradley", "Shane", "Marcus", "Kieran", "Sean", "Danny", "Jack"];
    private static readonly string[] Surnames = ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Clarke", "Jackson", "Turner", "Hill", "Moore", "Ward", "Cooper"];
    private static readonly string[] Descriptions = ["male, 20s, slim, dark hooded jacket", "male, late teens, grey tracksuit, rucksack", "male, 30s, stocky, high-visibility vest", "male, 20s, beard, carrying a clipboard", "female, 20s, dark coat, said she was from the bank", "male, 40s, short grey hair, smart suit"];
    private static readonly string[] Conditions = ["Not to be disseminated outside law enforcement without reference to the originating force.", "Source protection: confirm with the originating force's intelligence unit before any action."];

    /// <summary>The <paramref name="count"/> incidents of a run; force i mod 6, references numbered within each force.</summary>
    public static IReadOnlyList<GeneratedIncident> Generate(int seed, int count, string runTag)
    {
        var pools = new Pools(seed);
        var perForce = new int[Forces.Count];
        var incidents = new List<GeneratedIncident>(count);
        for (var i = 0; i < count; i++)
        {
            var force = Forces[i % Forces.Count];
            var number = ++perForce[i % Forces.Count];
            var reference = string.Create(CultureInfo.InvariantCulture, $"{force.Prefix}/LC/{runTag}/{number:D6}");
            incidents.Add(new GeneratedIncident(force, One(new Random(Mix(seed, i)), pools, force, reference)));
        }

        return incidents;
    }

    private static IncidentInput One(Random random, Pools pools, ForceSpec force, string reference)
    {
        var occurred = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(0, 730 * 24 * 60));
        var roll = random.NextDouble();
        var category = roll < 0.7 ? "COURIER_FRAUD" : roll < 0.9 ? "IMPERSONATION_FRAUD" : "OTHER_FRAUD";
        var impersonated = category == "OTHER_FRAUD" ? null : random.NextDouble() < 0.75 ? "POLICE" : "BANK";

        var phones = new List<PhoneNumberInput>();
        var phoneCount = random.NextDouble() < 0.3 ? 2 : 1;
        for (var p = 0; p < phoneCount; p++)
        {
            // About a third of calls come from numbers the gangs use again and again, some far more than others.
            var shared = random.NextDouble() < 0.35;
            var national = shared ? pools.Phones[Skewed(random, SharedPhones)] : UniqueMobile(random);
            phones.Add(new PhoneNumberInput(Spell(random, national), p == 0 ? "CALLER" : random.NextDouble() < 0.5 ? "CALLBACK" : "SPOOFED"));
        }

        var couriers = new List<CourierInput>();
        if (category == "COURIER_FRAUD")
        {
            var kind = random.NextDouble();
            if (kind < 0.55)
            {
                couriers.Add(pools.Couriers[Skewed(random, SharedCouriers)].Sighting(random));
            }
            else if (kind < 0.8)
            {
                // Seen but not identified: a description never joins anything.
                couriers.Add(new CourierInput(null, null, Descriptions[random.Next(Descriptions.Length)], null, null));
            }
        }

        var suspects = new List<SuspectInput>();
        if (random.NextDouble() < 0.1)
        {
            suspects.Add(pools.Suspects[Skewed(random, SharedSuspects)]);
        }

        var handlingC = random.NextDouble() < 0.15;
        var lossTypes = category == "COURIER_FRAUD"
            ? (random.NextDouble() < 0.6 ? new[] { "BANK_CARD", "PIN" } : new[] { "CASH" })
            : new[] { "BANK_DETAILS" };
        var town = random.Next(force.Towns.Length);
        var ageBands = new[] { "70-79", "80-89", "90+" };
        return new IncidentInput(
            reference,
            occurred.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            category,
            impersonated,
            lossTypes,
            new LocationInput(force.Towns[town], force.PostcodeDistricts[random.Next(force.PostcodeDistricts.Length)]),
            ageBands[random.Next(ageBands.Length)],
            string.Create(CultureInfo.InvariantCulture, $"Victim called by someone claiming to be {(impersonated == "BANK" ? "from the bank" : "a police officer")}; load-test incident {reference}."),
            phones,
            couriers.Count == 0 ? null : couriers,
            suspects.Count == 0 ? null : suspects,
            new GradingInput(
                random.NextDouble() < 0.7 ? "RELIABLE" : "UNTESTED",
                ((char)('A' + random.Next(3))).ToString(),
                handlingC ? "C" : "P",
                handlingC ? Conditions[random.Next(Conditions.Length)] : null));
    }

    /// <summary>An index in [0, n) where low indexes come up far more often: a few numbers and couriers are prolific.</summary>
    private static int Skewed(Random random, int n) => (int)(n * Math.Pow(random.NextDouble(), 2.5));

    /// <summary>A valid UK mobile (07[1-3]...), ten national digits; with 300 million of them, effectively unique.</summary>
    private static string UniqueMobile(Random random) =>
        string.Create(CultureInfo.InvariantCulture, $"07{1 + random.Next(3)}{random.Next(0, 100_000_000):D8}");

    /// <summary>The same number as force systems write it: national, spaced, +44, or 44 without the plus.</summary>
    private static string Spell(Random random, string national) => random.Next(4) switch
    {
        0 => national,
        1 => national[..5] + " " + national[5..],
        2 => "+44 " + national[1..5] + " " + national[5..],
        _ => "44" + national[1..],
    };

    /// <summary>SplitMix64 of the seed and index: each incident has its own stream of choices.</summary>
    private static int Mix(int seed, int index)
    {
        var z = ((ulong)(uint)seed << 32 | (uint)index) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }

    private sealed record Courier(string Name, string DateOfBirth, string? PncId, string? Vehicle)
    {
        /// <summary>How one force recorded this courier: sometimes the PNC ID, sometimes name and date of birth, usually both.</summary>
        public CourierInput Sighting(Random random)
        {
            var form = random.Next(4);
            var withPnc = PncId is not null && form != 0;
            var withName = !withPnc || form != 1;
            return new CourierInput(
                withName ? Name : null,
                withName ? DateOfBirth : null,
                null,
                Vehicle is not null && random.NextDouble() < 0.6 ? Vehicle : null,
                withPnc ? PncId : null);
        }
    }

    private sealed class Pools
    {
        public List<string> Phones { get; } = [];

        public List<Courier> Couriers { get; } = [];

        public List<SuspectInput> Suspects { get; } = [];

        public Pools(int seed)
        {
            var random = new Random(Mix(seed, -1));
            // Ofcom's drama range (07700 900000 to 900999) and ordinary mobiles, shared across the region.
            for (var i = 0; i < SharedPhones; i++)
            {
                Phones.Add(i < 200 ? string.Create(CultureInfo.InvariantCulture, $"07700900{i * 5:D3}") : UniqueMobile(random));
            }

            for (var i = 0; i < SharedCouriers; i++)
            {
                var name = $"{Forenames[random.Next(Forenames.Length)]} {Surnames[random.Next(Surnames.Length)]}";
                var dob = new DateOnly(1975, 1, 1).AddDays(random.Next(0, 30 * 365)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                var pnc = random.NextDouble() < 0.7 ? string.Create(CultureInfo.InvariantCulture, $"{random.Next(5, 24):D2}/{random.Next(1, 9_999_999)}{(char)('A' + random.Next(26))}") : null;
                var vehicle = random.NextDouble() < 0.5 ? Registration(random) : null;
                Couriers.Add(new Courier(name, dob, pnc, vehicle));
            }

            for (var i = 0; i < SharedSuspects; i++)
            {
                var name = $"{Forenames[random.Next(Forenames.Length)]} {Surnames[random.Next(Surnames.Length)]}";
                var dob = new DateOnly(1965, 1, 1).AddDays(random.Next(0, 35 * 365)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                var pnc = random.NextDouble() < 0.6 ? string.Create(CultureInfo.InvariantCulture, $"{random.Next(0, 24):D2}/{random.Next(1, 9_999_999)}{(char)('A' + random.Next(26))}") : null;
                Suspects.Add(new SuspectInput(name, dob, pnc, random.NextDouble() < 0.3 ? [$"{Forenames[random.Next(Forenames.Length)]}y"] : null));
            }
        }

        private static string Registration(Random random)
        {
            const string letters = "ABCDEFGHJKLMNOPRSTUVWXYZ";
            char L() => letters[random.Next(letters.Length)];
            return string.Create(CultureInfo.InvariantCulture, $"{L()}{L()}{random.Next(10, 75)} {L()}{L()}{L()}");
        }
    }
}
