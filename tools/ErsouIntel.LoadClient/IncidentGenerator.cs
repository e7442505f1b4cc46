using System.Globalization;

namespace ErsouIntel.LoadClient;

/// <summary>A force as a force system names it: the schema's enum name, its client id and a reference prefix.</summary>
public sealed record ForceSpec(string Name, string ClientId, string Prefix, string[] Towns, string[] PostcodeDistricts)
{
    /// <summary>Resident population in millions (ONS mid-2022, rounded): forces report in proportion to it.</summary>
    public double PopulationMillions { get; init; }
}

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
/// Deterministic courier-fraud incidents for the region: the same seed, count and scale give the
/// same incidents, in the same order, on every machine. Shaped like the real thing so that link
/// questions meet what investigators meet:
/// <list type="bullet">
/// <item>forces report in proportion to their populations;</item>
/// <item>most numbers are seen once; a pool of boiler-room numbers turns up across every force, a
/// few of them far more than others; five "hub" numbers end up on thousands of incidents at 1M;</item>
/// <item>couriers work in crews (2–5 couriers sharing 1–2 cars and 1–2 burner phones), each crew in
/// 2–4 forces, and a courier is seen mostly within their crew's forces;</item>
/// <item>gradings mix handling P and C (about 15% C).</item>
/// </list>
/// Pool sizes grow with the scale (by default the count), so a courier is seen on tens of
/// incidents whether the run is 10,000 incidents or 1,000,000.
/// </summary>
public static class IncidentGenerator
{
    public static readonly IReadOnlyList<ForceSpec> Forces =
    [
        new("BEDFORDSHIRE", "bedfordshire-system", "BED", ["Luton", "Bedford", "Dunstable", "Leighton Buzzard"], ["LU1", "LU4", "MK40", "MK42", "LU6", "LU7"]) { PopulationMillions = 0.69 },
        new("CAMBRIDGESHIRE", "cambridgeshire-system", "CAM", ["Cambridge", "Peterborough", "Ely", "Huntingdon"], ["CB1", "CB4", "PE1", "PE3", "CB7", "PE29"]) { PopulationMillions = 0.90 },
        new("ESSEX", "essex-system", "ESX", ["Chelmsford", "Colchester", "Southend-on-Sea", "Basildon"], ["CM1", "CM2", "CO1", "CO4", "SS1", "SS14"]) { PopulationMillions = 1.87 },
        new("HERTFORDSHIRE", "hertfordshire-system", "HRT", ["Watford", "St Albans", "Stevenage", "Hemel Hempstead"], ["WD17", "WD19", "AL1", "SG1", "HP1", "HP2"]) { PopulationMillions = 1.20 },
        new("NORFOLK", "norfolk-system", "NFK", ["Norwich", "King's Lynn", "Great Yarmouth", "Thetford"], ["NR1", "NR2", "PE30", "NR30", "IP24", "NR4"]) { PopulationMillions = 0.92 },
        new("SUFFOLK", "suffolk-system", "SFK", ["Ipswich", "Bury St Edmunds", "Lowestoft", "Felixstowe"], ["IP1", "IP4", "IP33", "NR32", "IP11", "IP3"]) { PopulationMillions = 0.77 },
    ];

    // Shares of phone-number slots. What is left over is a fresh number, seen once.
    private const double HubShare = 0.008;
    private const double BoilerRoomShare = 0.15;
    private const double CrewBurnerShare = 0.2;

    // Of the hub slots, how they fall on the five hubs: at 1M (about 1.3M slots) from ~4,000 down to ~800 incidents each.
    private static readonly double[] HubWeights = [0.40, 0.25, 0.15, 0.12, 0.08];

    // One pool entry per this many incidents of the scale (with a floor for small runs).
    private const int IncidentsPerBoilerRoomNumber = 400;
    private const int IncidentsPerCrew = 400;
    private const int IncidentsPerSuspect = 1000;

    private static readonly string[] Forenames = ["Jamie", "Callum", "Kyle", "Liam", "Connor", "Ryan", "Jordan", "Aaron", "Dean", "Lewis", "Nathan", "Reece", "Tyler", "Bradley", "Shane", "Marcus", "Kieran", "Sean", "Danny", "Jack"];
    private static readonly string[] Surnames = ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Clarke", "Jackson", "Turner", "Hill", "Moore", "Ward", "Cooper"];
    private static readonly string[] Descriptions = ["male, 20s, slim, dark hooded jacket", "male, late teens, grey tracksuit, rucksack", "male, 30s, stocky, high-visibility vest", "male, 20s, beard, carrying a clipboard", "female, 20s, dark coat, said she was from the bank", "male, 40s, short grey hair, smart suit"];
    private static readonly string[] Conditions = ["Not to be disseminated outside law enforcement without reference to the originating force.", "Source protection: confirm with the originating force's intelligence unit before any action."];
    private static readonly string[] AgeBands = ["70-79", "80-89", "90+"];

    /// <summary>The <paramref name="count"/> incidents of a run as a list; references numbered within each force.</summary>
    public static IReadOnlyList<GeneratedIncident> Generate(int seed, int count, string runTag) => Stream(seed, count, runTag).ToList();

    /// <summary>
    /// The incidents of a run, one at a time (a million need not be held in memory). Pools are sized
    /// for <paramref name="scale"/> incidents (default: <paramref name="count"/>), so a run can go on
    /// past its scale with the same gangs: the first n incidents of <c>Stream(s, n + m, t, n)</c> are
    /// those of <c>Stream(s, n, t)</c>.
    /// </summary>
    public static IEnumerable<GeneratedIncident> Stream(int seed, int count, string runTag, int? scale = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var region = new Region(seed, Math.Max(1, scale ?? count));
        var perForce = new int[Forces.Count];
        for (var i = 0; i < count; i++)
        {
            // Each incident has its own stream of choices, so incident i does not depend on how many came before.
            var random = new Random(Mix(seed, i));
            var forceIndex = region.PickForce(random);
            var force = Forces[forceIndex];
            var number = ++perForce[forceIndex];
            var reference = string.Create(CultureInfo.InvariantCulture, $"{force.Prefix}/LC/{runTag}/{number:D6}");
            yield return new GeneratedIncident(force, One(random, region, forceIndex, reference));
        }
    }

    private static IncidentInput One(Random random, Region region, int forceIndex, string reference)
    {
        var force = Forces[forceIndex];
        var occurred = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(0, 730 * 24 * 60));
        var roll = random.NextDouble();
        var category = roll < 0.7 ? "COURIER_FRAUD" : roll < 0.9 ? "IMPERSONATION_FRAUD" : "OTHER_FRAUD";
        var impersonated = category == "OTHER_FRAUD" ? null : random.NextDouble() < 0.75 ? "POLICE" : "BANK";

        // The crew sent to collect, when one was identified: chosen first, since its burner phone may be the callback.
        var crew = category == "COURIER_FRAUD" && random.NextDouble() < 0.55 ? region.PickCrew(random, forceIndex) : null;

        var phones = new List<PhoneNumberInput>();
        var phoneCount = random.NextDouble() < 0.3 ? 2 : 1;
        for (var p = 0; p < phoneCount; p++)
        {
            var national = region.PickNumber(random, crew);
            phones.Add(new PhoneNumberInput(Spell(random, national), p == 0 ? "CALLER" : random.NextDouble() < 0.5 ? "CALLBACK" : "SPOOFED"));
        }

        var couriers = new List<CourierInput>();
        if (crew is not null)
        {
            var first = random.Next(crew.Couriers.Count);
            couriers.Add(crew.Couriers[first].Sighting(random, crew));
            if (random.NextDouble() < 0.25)
            {
                // A driver waiting in the car as well as the one at the door.
                var second = (first + 1 + random.Next(crew.Couriers.Count - 1)) % crew.Couriers.Count;
                couriers.Add(crew.Couriers[second].Sighting(random, crew));
            }
        }
        else if (category == "COURIER_FRAUD" && random.NextDouble() < 0.55)
        {
            // Seen but not identified: a description never joins anything.
            couriers.Add(new CourierInput(null, null, Descriptions[random.Next(Descriptions.Length)], null, null));
        }

        var suspects = new List<SuspectInput>();
        if (random.NextDouble() < 0.1)
        {
            suspects.Add(region.Suspects[Skewed(random, region.Suspects.Count, 1.3)]);
        }

        var handlingC = random.NextDouble() < 0.15;
        var lossTypes = category == "COURIER_FRAUD"
            ? (random.NextDouble() < 0.6 ? new[] { "BANK_CARD", "PIN" } : new[] { "CASH" })
            : new[] { "BANK_DETAILS" };
        var town = random.Next(force.Towns.Length);
        return new IncidentInput(
            reference,
            occurred.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            category,
            impersonated,
            lossTypes,
            new LocationInput(force.Towns[town], force.PostcodeDistricts[random.Next(force.PostcodeDistricts.Length)]),
            AgeBands[random.Next(AgeBands.Length)],
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

    /// <summary>
    /// An index in [0, n) where low indexes come up far more often: index 0 with probability
    /// n^(-1/power). A mild power (1.3) keeps the busiest courier on hundreds of incidents at 1M, not thousands.
    /// </summary>
    private static int Skewed(Random random, int n, double power) => Math.Min(n - 1, (int)(n * Math.Pow(random.NextDouble(), power)));

    /// <summary>A valid UK mobile (07[1-3]...), ten national digits; with 300 million of them, effectively unique.</summary>
    private static string UniqueMobile(Random random) =>
        string.Create(CultureInfo.InvariantCulture, $"07{1 + random.Next(3)}{random.Next(0, 100_000_000):D8}");

    /// <summary>Ofcom's drama range, 07700 900000 to 900999: valid for the service, never a real subscriber.</summary>
    private static string Drama(int index) => string.Create(CultureInfo.InvariantCulture, $"07700900{index:D3}");

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

    private sealed record Courier(string Name, string DateOfBirth, string? PncId)
    {
        /// <summary>How one force recorded this courier: sometimes the PNC ID, sometimes name and date of birth, usually both; often the crew's car.</summary>
        public CourierInput Sighting(Random random, Crew crew)
        {
            var form = random.Next(4);
            var withPnc = PncId is not null && form != 0;
            var withName = !withPnc || form != 1;
            return new CourierInput(
                withName ? Name : null,
                withName ? DateOfBirth : null,
                null,
                random.NextDouble() < 0.6 ? crew.Cars[random.Next(crew.Cars.Count)] : null,
                withPnc ? PncId : null);
        }
    }

    /// <summary>Couriers who work together: they share cars and burner phones and cover a few forces.</summary>
    private sealed record Crew(IReadOnlyList<Courier> Couriers, IReadOnlyList<string> Cars, IReadOnlyList<string> Burners, IReadOnlyList<int> Forces);

    /// <summary>The region's gangs for one seed and scale: hubs, boiler rooms, crews and suspects, and the forces' weights.</summary>
    private sealed class Region
    {
        private readonly double[] cumulativePopulation;
        private readonly List<string> hubs = [];
        private readonly List<string> boilerRooms = [];
        private readonly List<Crew> crews = [];
        private readonly List<Crew>[] crewsByForce;

        public List<SuspectInput> Suspects { get; } = [];

        public Region(int seed, int scale)
        {
            var total = 0.0;
            cumulativePopulation = Forces.Select(f => total += f.PopulationMillions).ToArray();
            crewsByForce = Forces.Select(_ => new List<Crew>()).ToArray();

            var random = new Random(Mix(seed, -1));
            for (var i = 0; i < HubWeights.Length; i++)
            {
                hubs.Add(Drama(i));
            }

            var boilerRoomCount = Math.Max(40, scale / IncidentsPerBoilerRoomNumber);
            for (var i = 0; i < boilerRoomCount; i++)
            {
                // The first few hundred from the drama range (after the hubs), the rest ordinary mobiles.
                boilerRooms.Add(i < 200 ? Drama(HubWeights.Length + i) : UniqueMobile(random));
            }

            var crewCount = Math.Max(8, scale / IncidentsPerCrew);
            for (var c = 0; c < crewCount; c++)
            {
                var couriers = Enumerable.Range(0, 2 + random.Next(4)).Select(_ => NewCourier(random)).ToList();
                var cars = Enumerable.Range(0, 1 + random.Next(2)).Select(_ => Registration(random)).ToList();
                var burners = Enumerable.Range(0, 1 + random.Next(2)).Select(_ => UniqueMobile(random)).ToList();
                var forces = new List<int>();
                var forceCount = 2 + random.Next(3);
                while (forces.Count < forceCount)
                {
                    var force = PickForce(random);
                    if (!forces.Contains(force))
                    {
                        forces.Add(force);
                    }
                }

                forces.Sort();
                var crew = new Crew(couriers, cars, burners, forces);
                crews.Add(crew);
                foreach (var force in forces)
                {
                    crewsByForce[force].Add(crew);
                }
            }

            var suspectCount = Math.Max(20, scale / IncidentsPerSuspect);
            for (var i = 0; i < suspectCount; i++)
            {
                var name = $"{Forenames[random.Next(Forenames.Length)]} {Surnames[random.Next(Surnames.Length)]}";
                var dob = new DateOnly(1965, 1, 1).AddDays(random.Next(0, 35 * 365)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                var pnc = random.NextDouble() < 0.6 ? string.Create(CultureInfo.InvariantCulture, $"{random.Next(0, 24):D2}/{random.Next(1, 9_999_999)}{(char)('A' + random.Next(26))}") : null;
                Suspects.Add(new SuspectInput(name, dob, pnc, random.NextDouble() < 0.3 ? [$"{Forenames[random.Next(Forenames.Length)]}y"] : null));
            }
        }

        /// <summary>A force, in proportion to population.</summary>
        public int PickForce(Random random)
        {
            var point = random.NextDouble() * cumulativePopulation[^1];
            var index = Array.FindIndex(cumulativePopulation, c => point < c);
            return index < 0 ? cumulativePopulation.Length - 1 : index;
        }

        /// <summary>A crew for an incident in this force: nine times in ten one that works the force, else any (a crew strays).</summary>
        public Crew PickCrew(Random random, int force)
        {
            var local = crewsByForce[force];
            var pool = local.Count > 0 && random.NextDouble() < 0.9 ? local : crews;
            return pool[Skewed(random, pool.Count, 1.3)];
        }

        /// <summary>A number for one phone slot: a hub, a boiler room, the crew's burner, or (mostly) a number seen once.</summary>
        public string PickNumber(Random random, Crew? crew)
        {
            var roll = random.NextDouble();
            if (roll < HubShare)
            {
                var point = random.NextDouble();
                for (var h = 0; h < HubWeights.Length; h++)
                {
                    point -= HubWeights[h];
                    if (point < 0)
                    {
                        return hubs[h];
                    }
                }

                return hubs[^1];
            }

            if (roll < HubShare + BoilerRoomShare)
            {
                return boilerRooms[Skewed(random, boilerRooms.Count, 1.3)];
            }

            if (crew is not null && random.NextDouble() < CrewBurnerShare)
            {
                return crew.Burners[random.Next(crew.Burners.Count)];
            }

            return UniqueMobile(random);
        }

        private static Courier NewCourier(Random random)
        {
            var name = $"{Forenames[random.Next(Forenames.Length)]} {Surnames[random.Next(Surnames.Length)]}";
            var dob = new DateOnly(1975, 1, 1).AddDays(random.Next(0, 30 * 365)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var pnc = random.NextDouble() < 0.7 ? string.Create(CultureInfo.InvariantCulture, $"{random.Next(5, 24):D2}/{random.Next(1, 9_999_999)}{(char)('A' + random.Next(26))}") : null;
            return new Courier(name, dob, pnc);
        }

        private static string Registration(Random random)
        {
            const string letters = "ABCDEFGHJKLMNOPRSTUVWXYZ";
            char L() => letters[random.Next(letters.Length)];
            return string.Create(CultureInfo.InvariantCulture, $"{L()}{L()}{random.Next(10, 75)} {L()}{L()}{L()}");
        }
    }
}
