using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Matches;

/// <summary>
/// What an investigator reads on a match: what is shared, named as people name it, and the case a
/// match onto a case is about; and a courier known to two forces under two spellings.
/// </summary>
public sealed class WhatAMatchNamesTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string MatchesQuery = """
        query Matches($first: Int!, $after: String) {
          access(purpose: INVESTIGATION, justification: "Investigating courier fraud against elderly victims in the region") {
            matches(first: $first, after: $after) {
              edges { node {
                id kind key forces
                entity { id kind label withheld forces degree pointer { force } incident { id } courier { id name aliases } suspect { id name } }
                case { id reference }
              } }
              pageInfo { hasNextPage endCursor }
            }
          }
        }
        """;

    private const string CourierQuery = """
        query Courier($id: ID!) {
          access(purpose: INVESTIGATION, justification: "Investigating courier fraud against elderly victims in the region") {
            incident(id: $id) { couriers { id name aliases } }
          }
        }
        """;

    private readonly Region region = new(service);
    private readonly TestCaller hertfordshire = Investigator(Force.Hertfordshire);

    [Fact]
    public async Task Two_matches_on_one_number_are_told_apart_by_the_case_one_of_them_is_onto()
    {
        var number = NewPhoneNumber();
        var incidentId = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC"), phones: [number]));
        var reference = Unique("HC-CASE");
        var caseId = await region.OpensCaseAsync(hertfordshire, reference);
        Accepted(await region.AttachesAsync(hertfordshire, caseId, incidentId));

        await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), phones: [number]));

        var seenByHertfordshire = (await MatchesAsync(hertfordshire)).Where(m => m["key"]!.GetValue<string>() == E164(number)).ToList();
        Assert.Equal(2, seenByHertfordshire.Count);
        var onCase = Assert.Single(seenByHertfordshire, m => m["case"] is not null);
        Assert.Equal(caseId, onCase["case"]!["id"]!.GetValue<string>());
        Assert.Equal(reference, onCase["case"]!["reference"]!.GetValue<string>());
        Assert.Single(seenByHertfordshire, m => m["case"] is null);
        foreach (var match in seenByHertfordshire)
        {
            var entity = match["entity"]!;
            Assert.Equal("PHONE_NUMBER", entity["kind"]!.GetValue<string>());
            Assert.Equal(E164(number), entity["label"]!.GetValue<string>());
            Assert.False(entity["withheld"]!.GetValue<bool>());
            Assert.Equal(["ESSEX", "HERTFORDSHIRE"], Strings(entity["forces"]));
            Assert.Equal(2, entity["degree"]!.GetValue<int>());
            Assert.Null(entity["pointer"]);
            Assert.Null(entity["incident"]);
            Assert.Null(entity["courier"]);
        }

        Assert.Equal(seenByHertfordshire[0]["entity"]!["id"]!.GetValue<string>(), seenByHertfordshire[1]["entity"]!["id"]!.GetValue<string>());

        // Essex is involved in both, but is no member of the Hertfordshire case: the case is not theirs to see.
        var seenByEssex = (await MatchesAsync(Investigator(Force.Essex))).Where(m => m["key"]!.GetValue<string>() == E164(number)).ToList();
        Assert.Equal(2, seenByEssex.Count);
        Assert.All(seenByEssex, m => Assert.Null(m["case"]));
        Assert.All(seenByEssex, m => Assert.Equal(E164(number), m["entity"]!["label"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_courier_merged_across_forces_lists_each_spelling_once_with_white_space_collapsed_first_seen_first()
    {
        const string PncId = "18/445566M";
        var first = await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), couriers: [new { name = "Daniel Marsh", pncId = PncId }], occurredAt: "2024-01-10T10:00:00Z"));
        await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC"), couriers: [new { name = "DANIEL  MARSH", pncId = PncId }], occurredAt: "2024-02-10T10:00:00Z"));
        await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), couriers: [new { name = "  Daniel   Marsh", pncId = PncId }], occurredAt: "2024-03-10T10:00:00Z"));
        await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC"), couriers: [new { name = "DANIEL MARSH ", pncId = PncId }], occurredAt: "2024-04-10T10:00:00Z"));

        foreach (var investigator in new[] { hertfordshire, Investigator(Force.Essex) })
        {
            var courier = Assert.Single((await ReadAsync(investigator, CourierQuery, new { id = first }))["incident"]!["couriers"]!.AsArray())!;
            Assert.Equal(["Daniel Marsh", "DANIEL MARSH"], courier["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));
            Assert.Equal("DANIEL MARSH", courier["name"]!.GetValue<string>());

            var match = Assert.Single(await MatchesAsync(investigator), m => m["entity"]!["courier"]?["id"]?.GetValue<string>() == courier["id"]!.GetValue<string>());
            Assert.Equal("COURIER", match["kind"]!.GetValue<string>());
            Assert.True(Guid.TryParse(match["key"]!.GetValue<string>(), out _), $"The key of a courier match is an id, not a name or PNC ID: {match.ToJsonString()}");
            var entity = match["entity"]!;
            Assert.Equal("COURIER", entity["kind"]!.GetValue<string>());
            Assert.Equal(courier["id"]!.GetValue<string>(), entity["id"]!.GetValue<string>());
            Assert.Equal("DANIEL MARSH", entity["label"]!.GetValue<string>());
            Assert.Equal(["ESSEX", "HERTFORDSHIRE"], Strings(entity["forces"]));
            Assert.Equal(4, entity["degree"]!.GetValue<int>());
            Assert.Equal(["Daniel Marsh", "DANIEL MARSH"], entity["courier"]!["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task A_withheld_records_spelling_is_not_among_the_aliases_nor_the_name()
    {
        const string PncId = "17/778899R";
        var first = await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX"), couriers: [new { name = "Ravi Dunn", pncId = PncId }], occurredAt: "2024-01-10T10:00:00Z"));
        await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC"), couriers: [new { name = "RAVI DUNN", pncId = PncId }], occurredAt: "2024-02-10T10:00:00Z"));
        await region.ReportedAsync(Force.Suffolk, AnIncident.Courier(Unique("SK"), couriers: [new { name = "Ravindra  Dunn", pncId = PncId }], handling: "C", occurredAt: "2024-03-10T10:00:00Z"));

        var answer = await AskAsync(hertfordshire, CourierQuery, new { id = first });
        var courier = Assert.Single(answer.Data!["access"]!["incident"]!["couriers"]!.AsArray())!;
        Assert.Equal(["Ravi Dunn", "RAVI DUNN"], courier["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("RAVI DUNN", courier["name"]!.GetValue<string>());
        Assert.DoesNotContain("Ravindra", answer.Text, StringComparison.Ordinal);

        var matchesAnswer = await AskAsync(hertfordshire, MatchesQuery, new { first = 200 });
        Assert.DoesNotContain("Ravindra", matchesAnswer.Text, StringComparison.Ordinal);
        var match = Assert.Single(await MatchesAsync(hertfordshire), m => m["entity"]!["courier"]?["id"]?.GetValue<string>() == courier["id"]!.GetValue<string>());
        Assert.Equal("RAVI DUNN", match["entity"]!["label"]!.GetValue<string>());
        Assert.Equal(["ESSEX", "HERTFORDSHIRE"], Strings(match["entity"]!["forces"]));

        // Suffolk sees its own record in full: its spelling is theirs to read, and the newest.
        var suffolk = Assert.Single((await ReadAsync(Investigator(Force.Suffolk), CourierQuery, new { id = first }))["incident"]!["couriers"]!.AsArray())!;
        Assert.Equal(["Ravi Dunn", "RAVI DUNN", "Ravindra Dunn"], suffolk["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("Ravindra Dunn", suffolk["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Each_kind_of_match_names_what_is_shared_as_people_write_it()
    {
        var suspect = AnIncident.Courier(Unique("EX"), couriers: [new { description = "Older man, walking stick", vehicleRegistration = "mx19 qrt" }, new { pncId = "2016/0001234K" }, new { description = "Woman in a red coat", pncId = "15/9876543P" }]);
        suspect["suspects"] = new[] { new { name = "Mara Quill", dateOfBirth = "1979-09-09" } };
        await region.ReportedAsync(Force.Essex, suspect);
        var again = AnIncident.Courier(Unique("NK"), couriers: [new { description = "Man with a stick", vehicleRegistration = "MX19-QRT" }, new { pncId = "16/1234K" }, new { pncId = "15/9876543P" }]);
        again["suspects"] = new[] { new { name = "Mara Quill", dateOfBirth = "1979-09-09" } };
        await region.ReportedAsync(Force.Norfolk, again);

        var matches = await MatchesAsync(Investigator(Force.Norfolk));
        string Label(string kind, Func<JsonNode, bool> which) =>
            Assert.Single(matches, m => m["kind"]!.GetValue<string>() == kind && which(m["entity"]!))["entity"]!["label"]!.GetValue<string>();

        Assert.Equal("MX19QRT", Label("VEHICLE", _ => true));
        Assert.Equal("Mara Quill", Label("SUSPECT", e => e["suspect"]?["name"]?.GetValue<string>() == "Mara Quill"));
        // No name on any record: the PNC ID as written in the service's form.
        Assert.Equal("16/1234K", Label("COURIER", e => e["label"]!.GetValue<string>() == "16/1234K"));
        // No name, but a description on the newest record that gives one.
        Assert.Equal("Woman in a red coat", Label("COURIER", e => e["label"]!.GetValue<string>() == "Woman in a red coat"));
        Assert.All(matches, m => Assert.Equal(m["kind"]!.GetValue<string>(), m["entity"]!["kind"]!.GetValue<string>()));
        Assert.All(matches, m => Assert.Equal(2, m["entity"]!["degree"]!.GetValue<int>()));
        Assert.All(matches, m => Assert.Equal(["ESSEX", "NORFOLK"], Strings(m["entity"]!["forces"])));
    }

    private async Task<GraphQLAnswer> AskAsync(TestCaller investigator, string query, object variables)
    {
        var answer = await service.PostAsAsync(investigator, query, variables);
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        return answer;
    }

    private async Task<JsonNode> ReadAsync(TestCaller investigator, string query, object variables) =>
        (await AskAsync(investigator, query, variables)).Data!["access"]!;

    /// <summary>Every match the investigator is shown, page after page.</summary>
    private async Task<List<JsonNode>> MatchesAsync(TestCaller investigator)
    {
        var found = new List<JsonNode>();
        string? after = null;
        do
        {
            var page = (await ReadAsync(investigator, MatchesQuery, new { first = 200, after }))["matches"]!;
            found.AddRange(page["edges"]!.AsArray().Select(e => e!["node"]!));
            after = page["pageInfo"]!["hasNextPage"]!.GetValue<bool>() ? page["pageInfo"]!["endCursor"]!.GetValue<string>() : null;
        }
        while (after is not null);

        return found;
    }
}
