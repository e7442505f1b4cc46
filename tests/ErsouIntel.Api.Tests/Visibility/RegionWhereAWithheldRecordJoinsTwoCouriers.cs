using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Visibility;

/// <summary>
/// Hertfordshire names a courier (name and date of birth); Essex, on a P record, knows a courier
/// only by PNC ID. Only Essex's C record says they are one person: it gives the name, the date
/// of birth and the PNC ID together. Each record carries a phone number of its own.
/// </summary>
public sealed class RegionWhereAWithheldRecordJoinsTwoCouriers : ServiceFixture
{
    public const string HertfordshirePhone = "07700 900201";
    public const string EssexPhone = "07700 900202";

    public static SeededIncident Named { get; } = new(Force.Hertfordshire, "P", "2024-04-01T10:00:00Z", []);

    public static SeededIncident ByPncOnly { get; } = new(Force.Essex, "P", "2024-04-02T10:00:00Z", []);

    public static SeededIncident Joining { get; } = new(Force.Essex, "C", "2024-04-03T10:00:00Z", []);

    private readonly Dictionary<string, string> ids = [];

    public RegionWhereAWithheldRecordJoinsTwoCouriers() => Region = new Region(this);

    public Region Region { get; }

    public string IdOf(SeededIncident incident) => ids[incident.Reference];

    protected override async Task SeedAsync()
    {
        var sam = new { name = "Sam Cole", dateOfBirth = "1990-01-01", description = "Short man with a beard" };
        var pncOnly = new { pncId = "19/12345A" };
        var both = new { name = "Sam Cole", dateOfBirth = "1990-01-01", pncId = "19/12345A" };
        ids[Named.Reference] = await Region.ReportedAsync(Named.Force, AnIncident.Courier(Named.Reference, [HertfordshirePhone], [sam], "P", Named.OccurredAt));
        ids[ByPncOnly.Reference] = await Region.ReportedAsync(ByPncOnly.Force, AnIncident.Courier(ByPncOnly.Reference, [EssexPhone], [pncOnly], "P", ByPncOnly.OccurredAt));
        ids[Joining.Reference] = await Region.ReportedAsync(Joining.Force, AnIncident.Courier(Joining.Reference, ["07700 900203"], [both], "C", Joining.OccurredAt));
    }
}
