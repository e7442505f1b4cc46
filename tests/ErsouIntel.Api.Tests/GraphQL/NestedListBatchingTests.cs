using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Cases;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Xunit.Abstractions;

namespace ErsouIntel.Api.Tests.GraphQL;

/// <summary>
/// 210 Bedfordshire incidents, each with a courier (one of 30 people) and a suspect, and two
/// cases led by Bedfordshire: one holding 5 of them, one holding 50.
/// </summary>
public sealed class ManyIncidentsWithCases : ServiceFixture
{
    public const int Incidents = 210;

    public string SmallCase { get; private set; } = "";

    public string LargeCase { get; private set; } = "";

    public static TestCaller Investigator { get; } = TestCaller.Investigator(Force.Bedfordshire);

    protected override async Task SeedAsync()
    {
        var region = new Region(this);
        var inputs = Enumerable.Range(1, Incidents).Select(n =>
        {
            var input = AnIncident.Courier(
                $"BD/BATCH/{n}",
                couriers: [AnIncident.CourierNamed($"Courier {n % 30}", "1990-01-01")],
                occurredAt: new DateTimeOffset(2024, 1, 1, 10, 0, 0, TimeSpan.Zero).AddHours(n).ToString("O"));
            input["suspects"] = new[] { new { name = $"Suspect {n}", dateOfBirth = "1970-01-01" } };
            return input;
        });
        var ids = (await region.ReportsBatchAsync(Force.Bedfordshire, inputs))
            .Select(p => p!["incident"]!["id"]!.GetValue<string>())
            .ToList();

        SmallCase = await region.OpensCaseAsync(Investigator, "BD-BATCH-SMALL");
        foreach (var id in ids.Take(5))
        {
            CaseSteps.Accepted(await region.AttachesAsync(Investigator, SmallCase, id));
        }

        LargeCase = await region.OpensCaseAsync(Investigator, "BD-BATCH-LARGE");
        foreach (var id in ids.Skip(5).Take(50))
        {
            CaseSteps.Accepted(await region.AttachesAsync(Investigator, LargeCase, id));
        }
    }
}

/// <summary>
/// Nested lists are read a field at a time, not a parent at a time: the statements one answer
/// sends to PostgreSQL do not grow with the number of parents on the page. Counted as Npgsql's
/// command activities (every command and batch sent, Marten's included) inside the request's trace.
/// </summary>
public sealed class NestedListBatchingTests(ManyIncidentsWithCases service, ITestOutputHelper output) : IClassFixture<ManyIncidentsWithCases>
{
    private const string Page = """
        query Page($first: Int!) {
          access(purpose: INVESTIGATION, justification: "Investigating courier fraud across the region") {
            incidents(first: $first) {
              edges { node { id couriers { id } suspects { id } cases { id } } }
            }
          }
        }
        """;

    private const string Case = """
        query Case($id: ID!) {
          access(purpose: INVESTIGATION, justification: "Investigating courier fraud across the region") {
            case(id: $id) {
              id forces
              incidents { id couriers { id incidents { id } } suspects { id } cases { id } }
            }
          }
        }
        """;

    [Fact]
    public async Task A_page_of_200_incidents_with_their_couriers_suspects_and_cases_costs_what_a_page_of_5_costs()
    {
        var (small, smallAnswer) = await StatementsAsync(Page, new { first = 5 });
        var (large, largeAnswer) = await StatementsAsync(Page, new { first = 200 });

        Assert.Equal(5, smallAnswer["access"]!["incidents"]!["edges"]!.AsArray().Count);
        var edges = largeAnswer["access"]!["incidents"]!["edges"]!.AsArray();
        Assert.Equal(200, edges.Count);
        Assert.All(edges, e => Assert.Single(e!["node"]!["couriers"]!.AsArray()));
        Assert.All(edges, e => Assert.Single(e!["node"]!["suspects"]!.AsArray()));
        // The 55 incidents in cases are the oldest; the newest 200 leave 10 of them out.
        Assert.Equal(45, edges.Count(e => e!["node"]!["cases"]!.AsArray().Count == 1));
        Assert.True(large == small, $"A page of 200 incidents sent {large} statements to PostgreSQL, a page of 5 sent {small}: nested lists are read one parent at a time.");
        Assert.InRange(large, 1, 20);
    }

    [Fact]
    public async Task A_case_with_50_incidents_costs_what_a_case_with_5_costs()
    {
        var (small, smallAnswer) = await StatementsAsync(Case, new { id = service.SmallCase });
        var (large, largeAnswer) = await StatementsAsync(Case, new { id = service.LargeCase });

        Assert.Equal(5, smallAnswer["access"]!["case"]!["incidents"]!.AsArray().Count);
        var incidents = largeAnswer["access"]!["case"]!["incidents"]!.AsArray();
        Assert.Equal(50, incidents.Count);
        Assert.All(incidents, i => Assert.Equal(service.LargeCase, Assert.Single(i!["cases"]!.AsArray())!["id"]!.GetValue<string>()));
        Assert.Equal(["BEDFORDSHIRE"], largeAnswer["access"]!["case"]!["forces"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.True(large == small, $"A case with 50 incidents sent {large} statements to PostgreSQL, one with 5 sent {small}: nested lists are read one parent at a time.");
        Assert.InRange(large, 1, 20);
    }

    [Fact]
    public async Task Each_mutation_of_a_request_shows_its_lists_as_they_stood_after_it_not_after_the_next_one()
    {
        // Older than every seeded incident, so that it stays off the pages the other tests count.
        const string LongAgo = "2023-01-01T10:00:00Z";
        var first = AnIncident.Courier("BD/BATCH/AMENDED", couriers: [AnIncident.CourierNamed("Before Amendment", "1990-02-02")], occurredAt: LongAgo);
        var second = AnIncident.Courier("BD/BATCH/AMENDED", couriers: [AnIncident.CourierNamed("After Amendment", "1990-02-02")], occurredAt: LongAgo);

        var answer = await service.PostAsAsync(
            TestCaller.ForceSystem(Force.Bedfordshire),
            """
            mutation Twice($first: ReportIncidentInput!, $second: ReportIncidentInput!) {
              first: reportIncident(input: $first) { incident { couriers { name } } }
              second: reportIncident(input: $second) { incident { couriers { name } } }
            }
            """,
            new { first, second });

        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        Assert.Equal("Before Amendment", Assert.Single(answer.Data!["first"]!["incident"]!["couriers"]!.AsArray())!["name"]!.GetValue<string>());
        Assert.Equal("After Amendment", Assert.Single(answer.Data!["second"]!["incident"]!["couriers"]!.AsArray())!["name"]!.GetValue<string>());
    }

    private Task<(int Statements, JsonNode Data)> StatementsAsync(string query, object variables) =>
        Statements.CountAsync(service, ManyIncidentsWithCases.Investigator, output, query, variables);
}
