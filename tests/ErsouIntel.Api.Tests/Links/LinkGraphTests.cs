using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Links;

/// <summary>
/// One starting state: a chain of incidents, all P-graded so every investigator sees them in full.
/// <code>
///   number A ── I1 (courier Kai, car KA11AAA) ── car KA11AAA ── I2 (courier Lee) ── number B ── I3 (courier Max) ── courier Max ── I4 (courier Ned)
/// </code>
/// From number A: Kai is 1 hop away, Lee 2, Max 3, Ned 4.
/// </summary>
public sealed class ChainedRegion : ServiceFixture
{
    public const string NumberA = "07700 900101";
    public const string NumberB = "07700 900102";

    protected override async Task SeedAsync()
    {
        var region = new Region(this);
        await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier("HC/CHAIN/1", phones: [NumberA], couriers: [AnIncident.CourierNamed("Kai Stone", "1999-01-01", "KA11 AAA")]));
        await region.ReportedAsync(Force.Essex, AnIncident.Courier("EX/CHAIN/2", phones: [NumberB], couriers: [AnIncident.CourierNamed("Lee Marsh", "1998-02-02", "ka11aaa")]));
        await region.ReportedAsync(Force.Norfolk, AnIncident.Courier("NK/CHAIN/3", phones: [NumberB], couriers: [AnIncident.CourierNamed("Max Reed", "1997-03-03")]));
        await region.ReportedAsync(Force.Suffolk, AnIncident.Courier("SK/CHAIN/4", couriers: [AnIncident.CourierNamed("Max Reed", "1997-03-03"), AnIncident.CourierNamed("Ned Hale", "1996-04-04")]));
    }
}

public sealed class LinkGraphTests(ChainedRegion region) : IClassFixture<ChainedRegion>
{
    private readonly Region scenario = new(region);
    private static readonly TestCaller Investigator = TestCaller.Investigator(Force.Bedfordshire);

    private async Task<JsonArray> LinkedAsync(string phone, int hops) =>
        (await scenario.ReadsAsync(Investigator, ContractOperations.LinkedCouriers, new { phone, hops }))["linkedCouriers"]!.AsArray();

    [Theory]
    [InlineData(1, new[] { "Kai Stone" })]
    [InlineData(2, new[] { "Kai Stone", "Lee Marsh" })]
    [InlineData(3, new[] { "Kai Stone", "Lee Marsh", "Max Reed" })]
    [InlineData(4, new[] { "Kai Stone", "Lee Marsh", "Max Reed", "Ned Hale" })]
    public async Task Linked_couriers_come_nearest_first_within_max_hops(int maxHops, string[] expected)
    {
        var links = await LinkedAsync(ChainedRegion.NumberA, maxHops);

        Assert.Equal(expected, links.Select(l => l!["courier"]!["name"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(1, expected.Length), links.Select(l => l!["hops"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Pointers_name_every_incident_on_the_path()
    {
        var links = await LinkedAsync(ChainedRegion.NumberA, 4);

        var ned = links.Single(l => l!["courier"]!["name"]!.GetValue<string>() == "Ned Hale")!;
        Assert.Equal(["EX/CHAIN/2", "HC/CHAIN/1", "NK/CHAIN/3", "SK/CHAIN/4"],
            ned["pointers"]!.AsArray().Select(p => p!["forceReference"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(["ESSEX", "HERTFORDSHIRE", "NORFOLK", "SUFFOLK"], ned["forces"]!.AsArray().Select(f => f!.GetValue<string>()));
    }

    [Fact]
    public async Task The_same_person_on_two_forces_incidents_is_one_courier()
    {
        var links = await LinkedAsync(ChainedRegion.NumberB, 2);

        var max = Assert.Single(links, l => l!["courier"]!["name"]!.GetValue<string>() == "Max Reed")!;
        Assert.Equal(["NORFOLK", "SUFFOLK"], max["courier"]!["forces"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(2, max["courier"]!["incidents"]!.AsArray().Count);
    }

    [Fact]
    public async Task Any_spelling_of_the_number_finds_the_same_links()
    {
        var local = await LinkedAsync("07700900101", 1);
        var international = await LinkedAsync("+44 7700 900101", 1);

        Assert.Equal(local.ToJsonString(), international.ToJsonString());
        Assert.Single(local);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public async Task Max_hops_outside_1_to_4_is_a_clear_input_error(int hops)
    {
        var answer = await scenario.AsksAsync(Investigator, ContractOperations.LinkedCouriers, new { phone = ChainedRegion.NumberA, hops });

        Assert.Equal("BAD_USER_INPUT", answer.FirstErrorCode);
    }

    [Fact]
    public async Task An_unknown_number_has_no_links_and_no_profile()
    {
        Assert.Empty(await LinkedAsync("07700 900999", 4));
        var profile = await scenario.ReadsAsync(Investigator, ContractOperations.PhoneNumberProfile, new { phone = "07700 900999" });
        Assert.Null(profile["phoneNumber"]);
    }

    [Fact]
    public async Task A_phone_number_profile_lists_its_incidents_forces_and_dates()
    {
        var profile = (await scenario.ReadsAsync(Investigator, ContractOperations.PhoneNumberProfile, new { phone = ChainedRegion.NumberB }))["phoneNumber"]!;

        Assert.Equal("+447700900102", profile["e164"]!.GetValue<string>());
        Assert.Equal(["ESSEX", "NORFOLK"], profile["forces"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(2, profile["incidents"]!.AsArray().Count);
        Assert.Equal(2, profile["pointers"]!.AsArray().Count);
        Assert.Equal("2024-03-12T14:05:00Z", profile["firstSeen"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_courier_is_read_by_id_with_the_registrations_of_its_incidents()
    {
        var kai = (await LinkedAsync(ChainedRegion.NumberA, 1))[0]!["courier"]!;

        var answer = await region.PostAsAsync(Investigator,
            "query($id: ID!) { access(purpose: INVESTIGATION, justification: \"Checking the courier seen in Watford\") { courier(id: $id) { name vehicleRegistrations } } }",
            new { id = kai["id"]!.GetValue<string>() });

        Assert.Equal("Kai Stone", answer.Data!["access"]!["courier"]!["name"]!.GetValue<string>());
        Assert.Equal(["KA11AAA"], answer.Data!["access"]!["courier"]!["vehicleRegistrations"]!.AsArray().Select(r => r!.GetValue<string>()));
    }
}

/// <summary>Its own state: retraction changes the graph, so it must not share the chain above.</summary>
public sealed class RetractionUnlinksTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);

    [Fact]
    public async Task A_retracted_incident_stops_linking()
    {
        var id = await region.ReportedAsync(Force.Essex, AnIncident.Courier("EX/R/1", phones: ["07700 900201"], couriers: [AnIncident.CourierNamed("Ola Price", "1990-05-05")]));
        var investigator = TestCaller.Investigator(Force.Essex);
        var before = await region.ReadsAsync(investigator, ContractOperations.LinkedCouriers, new { phone = "07700 900201", hops = 1 });
        Assert.Single(before["linkedCouriers"]!.AsArray());

        await service.PostAsAsync(TestCaller.ForceSystem(Force.Essex), ContractOperations.Text(ContractOperations.RetractIncident), new { forceReference = "EX/R/1", reason = "Duplicate of another report" });

        var after = await region.ReadsAsync(investigator, ContractOperations.LinkedCouriers, new { phone = "07700 900201", hops = 1 });
        Assert.Empty(after["linkedCouriers"]!.AsArray());
        // It stays in the history, marked.
        var incident = await region.ReadsAsync(investigator, ContractOperations.Incident, new { id });
        Assert.True(incident["incident"]!["retracted"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_description_alone_never_joins_two_couriers()
    {
        await region.ReportedAsync(Force.Norfolk, AnIncident.Courier("NK/D/1", phones: ["07700 900301"], couriers: [AnIncident.CourierDescribed("Tall man, grey coat")]));
        await region.ReportedAsync(Force.Suffolk, AnIncident.Courier("SK/D/2", phones: ["07700 900301"], couriers: [AnIncident.CourierDescribed("Tall man, grey coat")]));

        var links = await region.ReadsAsync(TestCaller.Investigator(Force.Norfolk), ContractOperations.LinkedCouriers, new { phone = "07700 900301", hops = 1 });

        Assert.Equal(2, links["linkedCouriers"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_sighting_with_both_PNC_ID_and_name_joins_two_known_couriers_into_one()
    {
        await region.ReportedAsync(Force.Bedfordshire, AnIncident.Courier("BD/M/1", phones: ["07700 900401"], couriers: [new { pncId = "19/123456A" }]));
        await region.ReportedAsync(Force.Cambridgeshire, AnIncident.Courier("CB/M/2", phones: ["07700 900401"], couriers: [AnIncident.CourierNamed("Pat Quinn", "1985-06-06")]));
        var investigator = TestCaller.Investigator(Force.Bedfordshire);
        var before = await region.ReadsAsync(investigator, ContractOperations.LinkedCouriers, new { phone = "07700 900401", hops = 1 });
        Assert.Equal(2, before["linkedCouriers"]!.AsArray().Count);

        await region.ReportedAsync(Force.Essex, AnIncident.Courier("EX/M/3", couriers: [AnIncident.CourierNamed("PAT  QUINN", "1985-06-06", pncId: "2019/0123456a")]));

        var after = await region.ReadsAsync(investigator, ContractOperations.LinkedCouriers, new { phone = "07700 900401", hops = 1 });
        var one = Assert.Single(after["linkedCouriers"]!.AsArray())!;
        Assert.Equal(["BEDFORDSHIRE", "CAMBRIDGESHIRE", "ESSEX"], one["courier"]!["forces"]!.AsArray().Select(f => f!.GetValue<string>()));
    }
}
