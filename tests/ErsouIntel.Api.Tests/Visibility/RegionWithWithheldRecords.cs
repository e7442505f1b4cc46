using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Visibility;

/// <summary>
/// The starting state of the visibility matrix: Hertfordshire and Essex have each reported one
/// P and one C incident. All four carry one phone number and one courier, Daniel Price, named
/// with a date of birth so that the four sightings are one person; the two P records share his
/// car. Each C record gives him a car and a description of its own and names a second courier
/// seen nowhere else, so that anything that leaks from a withheld record can be told apart.
/// </summary>
public class RegionWithWithheldRecords : ServiceFixture
{
    public const string Phone = "07700 900123";
    public const string PhoneE164 = "+447700900123";
    public const string SharedCar = "AB12CDE";

    public const string Daniel = "Daniel Price";
    public const string Liam = "Liam Hale";
    public const string Mia = "Mia Stone";

    private readonly Dictionary<string, string> incidentIds = [];
    private readonly Dictionary<string, string> courierIds = [];

    public RegionWithWithheldRecords() => Region = new Region(this);

    /// <summary>The same person spelt four ways: one courier once names are normalised.</summary>
    public static IReadOnlyList<SeededIncident> Reported { get; } =
    [
        new(Force.Hertfordshire, "P", "2024-03-01T10:00:00Z", [new(Daniel, "Daniel Price", "Tall man in a grey suit", "AB12 CDE")]),
        new(Force.Hertfordshire, "C", "2024-02-20T10:00:00Z", [new(Daniel, "DANIEL PRICE", "Scar over the left eye", "HC11 SEC"), new(Liam, "Liam Hale", "Carried a clipboard", null)]),
        new(Force.Essex, "P", "2024-03-02T10:00:00Z", [new(Daniel, "Daniel PRICE", "Wore a hi-vis jacket", "ab12cde")]),
        new(Force.Essex, "C", "2024-03-05T10:00:00Z", [new(Daniel, "daniel price", "Swallow tattoo on the neck", "EC11 SEC"), new(Mia, "Mia Stone", "Left in a taxi", null)]),
    ];

    public Region Region { get; }

    public static SeededIncident Seeded(Force force, string handling) => Reported.Single(i => i.Force == force && i.Handling == handling);

    public string IdOf(SeededIncident incident) => incidentIds[incident.Reference];

    public string CourierIdOf(string person) => courierIds[person];

    protected override async Task SeedAsync()
    {
        foreach (var incident in Reported)
        {
            var payload = await Region.ReportsAsync(incident.Force, incident.Input());
            Assert.True(payload["errors"]!.AsArray().Count == 0, payload.ToJsonString());
            incidentIds[incident.Reference] = payload["incident"]!["id"]!.GetValue<string>();
            // Couriers come back in the service's canonical order, not as sent: each record names at
            // most one courier not seen before, so the new id is that courier's.
            var newIds = payload["incident"]!["couriers"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).Where(id => !courierIds.ContainsValue(id)).ToList();
            var newPeople = incident.Couriers.Select(c => c.Person).Where(p => !courierIds.ContainsKey(p)).ToList();
            Assert.True(newIds.Count == newPeople.Count, $"{incident.Reference} did not merge its couriers with those already known: {payload.ToJsonString()}");
            foreach (var person in newPeople)
            {
                courierIds[person] = newIds.Single();
            }
        }
    }
}

public sealed record SeededIncident(Force Force, string Handling, string OccurredAt, IReadOnlyList<Sighting> Couriers)
{
    public string Reference => $"{Force.TenantId()[..3]}-{Handling}-0001";

    public string Summary => $"Caller posed as a police officer; courier collected the bank card ({Reference}).";

    public string Locator => $"{Force.TenantId()} {Reference} {Handling}";

    /// <summary>The contract's rule: own force in full; other forces' P records in full; nothing else.</summary>
    public bool IsVisibleTo(Force caller) => caller == Force || Handling == "P";

    public bool Carries(string person) => Couriers.Any(c => c.Person == person);

    public Dictionary<string, object?> Input() =>
        AnIncident.Courier(Reference, [RegionWithWithheldRecords.Phone], [.. Couriers.Select(c => c.Input())], Handling, OccurredAt, Summary);
}

public sealed record Sighting(string Person, string Name, string Description, string? Registration)
{
    private static readonly Dictionary<string, string> DatesOfBirth = new()
    {
        [RegionWithWithheldRecords.Daniel] = "1994-06-02",
        [RegionWithWithheldRecords.Liam] = "1988-08-08",
        [RegionWithWithheldRecords.Mia] = "1991-01-01",
    };

    public string? StoredRegistration => Registration?.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

    public object Input() => new { name = Name, dateOfBirth = DatesOfBirth[Person], description = Description, vehicleRegistration = Registration };
}
