using System.Globalization;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Cases;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Xunit.Abstractions;

namespace ErsouIntel.Api.Tests.GraphQL;

/// <summary>
/// 210 Bedfordshire incidents and 210 Essex ones sharing their numbers and couriers (420 matches),
/// then, one push each, the newest matches: a number onto an open Bedfordshire case, a vehicle, a
/// suspect, and a courier by PNC ID. So the newest 5 matches hold every kind and a case.
/// </summary>
public sealed class ManyMatches : ServiceFixture
{
    public const int Pairs = 210;

    public static TestCaller Investigator { get; } = TestCaller.Investigator(Force.Bedfordshire);

    protected override async Task SeedAsync()
    {
        var region = new Region(this);
        static string Phone(int n) => $"07700 {(900_000 + n).ToString(CultureInfo.InvariantCulture)}";
        static object Courier(int n) => n switch
        {
            3 => AnIncident.CourierNamed($"Batch Courier {n}", "1990-01-01", registration: "VB01 AAA"),
            4 => AnIncident.CourierNamed($"Batch Courier {n}", "1990-01-01", pncId: "20/4444444D"),
            _ => AnIncident.CourierNamed($"Batch Courier {n}", "1990-01-01"),
        };

        var bedfordshire = (await region.ReportsBatchAsync(Force.Bedfordshire, Enumerable.Range(1, Pairs).Select(n =>
        {
            var input = AnIncident.Courier($"BD/MATCH/{n}", phones: [Phone(n)], couriers: [Courier(n)]);
            if (n == 2)
            {
                input["suspects"] = new[] { new { name = "Batch Suspect", dateOfBirth = "1970-01-01" } };
            }

            return input;
        }))).Select(p => p!["incident"]?["id"]?.GetValue<string>() ?? throw new InvalidOperationException(p.ToJsonString())).ToList();
        await region.ReportsBatchAsync(Force.Essex, Enumerable.Range(1, Pairs).Select(n =>
            AnIncident.Courier($"EX/MATCH/{n}", phones: [Phone(n)], couriers: [AnIncident.CourierNamed($"Batch Courier {n}", "1990-01-01")])));

        var caseId = await region.OpensCaseAsync(Investigator, "BD-MATCH-CASE");
        CaseSteps.Accepted(await region.AttachesAsync(Investigator, caseId, bedfordshire[0]));
        await region.ReportedAsync(Force.Essex, AnIncident.Courier("EX/MATCH/CASE", phones: [Phone(1)]));
        await region.ReportedAsync(Force.Essex, AnIncident.Courier("EX/MATCH/VEHICLE", couriers: [AnIncident.CourierDescribed("Man in a flat cap", "VB01 AAA")]));
        var suspect = AnIncident.Courier("EX/MATCH/SUSPECT");
        suspect["suspects"] = new[] { new { name = "Batch Suspect", dateOfBirth = "1970-01-01" } };
        await region.ReportedAsync(Force.Essex, suspect);
        await region.ReportedAsync(Force.Essex, AnIncident.Courier("EX/MATCH/PNC", couriers: [new { pncId = "20/4444444D" }]));
    }
}

/// <summary>What a match shares and the case it is onto are read for the whole page at once, not match by match.</summary>
public sealed class MatchBatchingTests(ManyMatches service, ITestOutputHelper output) : IClassFixture<ManyMatches>
{
    private const string Page = """
        query Page($first: Int!) {
          access(purpose: INVESTIGATION, justification: "Investigating courier fraud across the region") {
            matches(first: $first) {
              edges { node { id kind entity { id kind label forces degree courier { name } suspect { name } } case { id reference } } }
            }
          }
        }
        """;

    [Fact]
    public async Task A_page_of_200_matches_with_what_they_share_and_their_cases_costs_what_a_page_of_5_costs()
    {
        var (small, smallAnswer) = await Statements.CountAsync(service, ManyMatches.Investigator, output, Page, new { first = 5 });
        var (large, largeAnswer) = await Statements.CountAsync(service, ManyMatches.Investigator, output, Page, new { first = 200 });

        var newest = Nodes(smallAnswer);
        Assert.Equal(5, newest.Count);
        Assert.Equal(["COURIER", "PHONE_NUMBER", "SUSPECT", "VEHICLE"], newest.Take(4).Select(m => m["kind"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("BD-MATCH-CASE", Assert.Single(newest, m => m["case"] is not null)["case"]!["reference"]!.GetValue<string>());
        // The courier the PNC ID joined is named by the name on their records, not by the key the match is on.
        Assert.Equal("Batch Courier 4", Assert.Single(newest.Take(4), m => m["kind"]!.GetValue<string>() == "COURIER")["entity"]!["label"]!.GetValue<string>());
        var page = Nodes(largeAnswer);
        Assert.Equal(200, page.Count);
        Assert.All(page, m => Assert.False(string.IsNullOrEmpty(m["entity"]!["label"]!.GetValue<string>()), m.ToJsonString()));
        Assert.All(page, m => Assert.Equal(["BEDFORDSHIRE", "ESSEX"], m["entity"]!["forces"]!.AsArray().Select(f => f!.GetValue<string>())));
        Assert.True(large == small, $"A page of 200 matches sent {large} statements to PostgreSQL, a page of 5 sent {small}: what a match shares, or its case, is read one match at a time.");
        Assert.InRange(large, 1, 20);
    }

    private static List<JsonNode> Nodes(JsonNode data) =>
        [.. data["access"]!["matches"]!["edges"]!.AsArray().Select(e => e!["node"]!)];
}
