using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Scenarios;

/// <summary>
/// The story of <c>shared/domain/news-report.txt</c>, across forces: a boiler-room number calls
/// victims in Hertfordshire and Essex, a courier crew works three forces, cars are shared.
/// <code>
///   H1 Herts P  Oxhey          caller 900500   courier Jay Holt (PNC)   car KX21 ABC
///   H2 Herts C  Rickmansworth  caller 900500   courier Ravi Dunn        car KX21 ABC
///   E1 Essex P  Chelmsford     caller 900611, callback 900500   courier Jay Holt (PNC)   car YR19 XYZ
///   N1 Norf  C  Norwich        caller 900611   courier Sam Pike         car YR19 XYZ
///   S1 Suff  P  Ipswich        caller 900722   (unrelated)
/// </code>
/// </summary>
public sealed class CourierFraudAcrossTheRegionTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string BoilerRoom = "07700 900500";
    private readonly Region region = new(service);

    private async Task<Dictionary<string, string>> ReportTheRegionAsync()
    {
        var jay = new { name = "Jay Holt", dateOfBirth = "2001-07-14", pncId = "21/334455J", vehicleRegistration = "KX21 ABC", description = "Young man, grey tracksuit" };
        var ids = new Dictionary<string, string>
        {
            ["H1"] = await region.ReportedAsync(Force.Hertfordshire, With(AnIncident.Courier("HC/2024/0311", phones: [BoilerRoom], couriers: [jay], summary: "Man in his 80s in Oxhey handed bank card, cash and jewellery to a courier"), "Oxhey", "WD19")),
            ["H2"] = await region.ReportedAsync(Force.Hertfordshire, With(AnIncident.Courier("HC/2024/0318", phones: [BoilerRoom], couriers: [new { name = "Ravi Dunn", dateOfBirth = "1999-11-02", vehicleRegistration = "KX21ABC" }], handling: "C", summary: "Man in his late 60s in Rickmansworth gave PIN and account details; cards collected"), "Rickmansworth", "WD3")),
            ["E1"] = await region.ReportedAsync(Force.Essex, AnIncident.Courier("EX-24-7781", phones: ["07700 900611"], couriers: [new { name = "Jay Holt", pncId = "21/334455J", vehicleRegistration = "YR19 XYZ" }], summary: "Woman in her 80s in Chelmsford handed over her bank card")),
            ["N1"] = await region.ReportedAsync(Force.Norfolk, AnIncident.Courier("NFK/55120", phones: ["07700 900611"], couriers: [new { name = "Sam Pike", dateOfBirth = "1995-01-01", vehicleRegistration = "YR19XYZ" }], handling: "C", summary: "Man in his 70s in Norwich; courier collected cash")),
            ["S1"] = await region.ReportedAsync(Force.Suffolk, AnIncident.Courier("SUF/9001", phones: ["07700 900722"], summary: "Woman in Ipswich recognised the call as a scam")),
        };

        // E1's callback number is the boiler room's: an amendment brings it in.
        var e1 = AnIncident.Courier("EX-24-7781", phones: ["07700 900611"], couriers: [new { name = "Jay Holt", pncId = "21/334455J", vehicleRegistration = "YR19 XYZ" }], summary: "Woman in her 80s in Chelmsford handed over her bank card");
        e1["phoneNumbers"] = new[] { new { number = "07700 900611", role = "CALLER" }, new { number = "+447700900500", role = "CALLBACK" } };
        Assert.Equal("AMENDED", (await region.ReportsAsync(Force.Essex, e1))["outcome"]!.GetValue<string>());
        return ids;
    }

    private static Dictionary<string, object?> With(Dictionary<string, object?> input, string town, string postcode)
    {
        input["location"] = new { town, postcodeDistrict = postcode };
        return input;
    }

    [Fact]
    public async Task An_investigator_of_another_force_sees_the_linked_couriers_with_hops_visibility_and_pointers_and_a_case_keeps_its_history()
    {
        var ids = await ReportTheRegionAsync();

        // A Cambridgeshire investigator, whose force has no record of its own here, asks about the boiler-room number.
        var cambs = TestCaller.Investigator(Force.Cambridgeshire);
        var links = (await region.ReadsAsync(cambs, ContractOperations.LinkedCouriers, new { phone = BoilerRoom, hops = 2 }))["linkedCouriers"]!.AsArray();

        Assert.Equal(3, links.Count);
        var jay = Assert.Single(links, l => l!["courier"]?["name"]?.GetValue<string>() == "Jay Holt")!;
        Assert.Equal(1, jay["hops"]!.GetValue<int>());
        Assert.False(jay["withheld"]!.GetValue<bool>());
        Assert.Equal(["ESSEX", "HERTFORDSHIRE"], Strings(jay["courier"]!["forces"]));
        Assert.Equal(["KX21ABC", "YR19XYZ"], Strings(jay["courier"]!["vehicleRegistrations"]));

        var withheld = links.Where(l => l!["withheld"]!.GetValue<bool>()).ToList();
        Assert.Equal(2, withheld.Count);
        Assert.All(withheld, l => Assert.Null(l!["courier"]));
        var ravi = Assert.Single(withheld, l => l!["hops"]!.GetValue<int>() == 1)!;
        Assert.Equal(["HERTFORDSHIRE|HC/2024/0318|C"], Pointers(ravi));
        var sam = Assert.Single(withheld, l => l!["hops"]!.GetValue<int>() == 2)!;
        Assert.Equal(["ESSEX|EX-24-7781|P", "NORFOLK|NFK/55120|C"], Pointers(sam));
        Assert.DoesNotContain("Ravi", links.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Sam Pike", links.ToJsonString(), StringComparison.Ordinal);

        // The Hertfordshire investigator sees their own C record's courier in full.
        var herts = TestCaller.Investigator(Force.Hertfordshire);
        var hertsLinks = (await region.ReadsAsync(herts, ContractOperations.LinkedCouriers, new { phone = BoilerRoom, hops = 1 }))["linkedCouriers"]!.AsArray();
        Assert.Contains(hertsLinks, l => l!["courier"]?["name"]?.GetValue<string>() == "Ravi Dunn");

        // The boiler-room number joined Hertfordshire and Essex: a match for both, none for Suffolk.
        var essex = TestCaller.Investigator(Force.Essex);
        var essexMatches = (await region.ReadsAsync(essex, ContractOperations.Matches, new { }))["matches"]!["edges"]!.AsArray();
        Assert.Contains(essexMatches, m => m!["node"]!["kind"]!.GetValue<string>() == "PHONE_NUMBER" && m["node"]!["key"]!.GetValue<string>() == "+447700900500");
        var suffolkMatches = (await region.ReadsAsync(TestCaller.Investigator(Force.Suffolk), ContractOperations.Matches, new { }))["matches"]!["edges"]!.AsArray();
        Assert.Empty(suffolkMatches);

        // A case from three forces: Essex leads, Norfolk joins and attaches its own withheld record.
        var caseId = await region.OpensCaseAsync(essex, "ERSOU-OP-DOORSTEP");
        var norfolk = TestCaller.Investigator(Force.Norfolk);
        await region.ChangesCaseAsync(essex, ContractOperations.AddCaseMember, new { caseId, username = norfolk.Subject });
        await region.ChangesCaseAsync(essex, ContractOperations.AttachIncident, new { caseId, incidentId = ids["E1"] });
        await region.ChangesCaseAsync(essex, ContractOperations.AttachIncident, new { caseId, incidentId = ids["H1"] });
        var attached = await region.ChangesCaseAsync(norfolk, ContractOperations.AttachIncident, new { caseId, incidentId = ids["N1"] });
        Assert.Equal(["ESSEX", "HERTFORDSHIRE", "NORFOLK"], Strings(attached["case"]!["forces"]));

        var before = await TimelineAsync(essex, caseId, asOf: null);
        var knownAt = DateTimeOffset.Parse(before.Last()!["node"]!["recordedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        await Task.Delay(20);

        // Hertfordshire amends H1 after that moment.
        var amended = With(AnIncident.Courier("HC/2024/0311", phones: [BoilerRoom], couriers: [new { name = "Jay Holt", dateOfBirth = "2001-07-14", pncId = "21/334455J", vehicleRegistration = "KX21 ABC", description = "Young man, grey tracksuit" }], summary: "Man in his 80s in Oxhey; jewellery later recovered"), "Oxhey", "WD19");
        Assert.Equal("AMENDED", (await region.ReportsAsync(Force.Hertfordshire, amended))["outcome"]!.GetValue<string>());

        var now = await TimelineAsync(essex, caseId, asOf: null);
        var then = await TimelineAsync(essex, caseId, asOf: knownAt);

        // Ordered by when things happened: the incidents of March 2024 before the case was opened.
        var ats = now.Select(e => DateTimeOffset.Parse(e!["node"]!["at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ats.Order(), ats);
        Assert.Equal("INCIDENT_OCCURRED", now[0]!["node"]!["kind"]!.GetValue<string>());
        static bool H1Amended(JsonNode? e) => Kind(e) == "INCIDENT_AMENDED" && Summary(e).Contains("HC/2024/0311", StringComparison.Ordinal);
        Assert.Contains(now, H1Amended);
        Assert.DoesNotContain(then, H1Amended);
        Assert.Contains(now, e => Kind(e) == "INCIDENT_OCCURRED" && Summary(e).Contains("jewellery later recovered", StringComparison.Ordinal));
        Assert.Contains(then, e => Kind(e) == "INCIDENT_OCCURRED" && Summary(e).Contains("handed bank card, cash and jewellery", StringComparison.Ordinal));
        Assert.Equal(before.ToJsonString(), then.ToJsonString());
        Assert.Equal(3, then.Count(e => Kind(e) == "INCIDENT_ATTACHED"));
        Assert.Equal(3, then.Count(e => Kind(e) == "INCIDENT_OCCURRED"));
    }

    private async Task<JsonArray> TimelineAsync(TestCaller investigator, string id, DateTimeOffset? asOf)
    {
        var read = await region.ReadsAsync(investigator, ContractOperations.CaseTimeline, new { id, asOf, first = 200 });
        return read["case"]!["timeline"]!["edges"]!.AsArray();
    }

    private static string Kind(JsonNode? edge) => edge!["node"]!["kind"]!.GetValue<string>();

    private static string Summary(JsonNode? edge) => edge!["node"]!["summary"]!.GetValue<string>();

    private static string[] Strings(JsonNode? array) => array!.AsArray().Select(x => x!.GetValue<string>()).ToArray();

    private static string[] Pointers(JsonNode link) =>
        link["pointers"]!.AsArray().Select(p => $"{p!["force"]}|{p["forceReference"]}|{p["handling"]}").Order(StringComparer.Ordinal).ToArray();
}
