using System.Text.Json.Nodes;
using ErsouIntel.Api.Incidents.Importing;
using ErsouIntel.Api.Links;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.DatabasePerForce;

/// <summary>
/// A database per force (docs/operations.md): each force's events in a database of its own, while
/// the cross-force link graph, matches and cases answer as they do with one shared database (the
/// same contract operations and expectations as <see cref="Links.LinkGraphTests"/>, <see cref="Cases.CaseMatchesTests"/> and <see cref="Cases.AttachingIncidentsTests"/>).
/// </summary>
public sealed class DatabasePerForceTests(SixForceDatabases service) : IClassFixture<SixForceDatabases>
{
    private readonly Region region = new(service);
    private static readonly TestCaller Bedfordshire = TestCaller.Investigator(Force.Bedfordshire);

    [Fact]
    public async Task Each_forces_events_are_in_its_own_database_and_no_other()
    {
        var reference = Unique("CB");
        await region.ReportedAsync(Force.Cambridgeshire, AnIncident.Courier(reference));

        foreach (var (force, connectionString) in service.ForceConnectionStrings)
        {
            var tenants = await TestPostgres.RowsAsync(connectionString, "select distinct tenant_id from ersou.mt_events");
            Assert.True(tenants.All(t => t == force.TenantId()), $"{force}'s database holds events of {string.Join(", ", tenants)}");
        }

        // The seeded chain and this push, each in its force's database only.
        foreach (var (force, forceReference) in new[] { (Force.Hertfordshire, "HC/CHAIN/1"), (Force.Essex, "EX/CHAIN/2"), (Force.Norfolk, "NK/CHAIN/3"), (Force.Suffolk, "SK/CHAIN/4"), (Force.Cambridgeshire, reference) })
        {
            foreach (var (holder, connectionString) in service.ForceConnectionStrings)
            {
                var found = await TestPostgres.RowsAsync(connectionString,
                    $"select count(*) from ersou.mt_events where type = 'incident_reported' and data::text like '%\"{forceReference}\"%'");
                Assert.Equal(holder == force ? "1" : "0", found.Single());
            }
        }

        Assert.Equal(["0"], await TestPostgres.RowsAsync(service.ConnectionString, "select count(*) from ersou.mt_events"));
    }

    [Fact]
    public async Task The_region_database_holds_the_link_graph_and_the_access_log_and_the_force_databases_copies_stay_empty()
    {
        var linked = await SixForceDatabases.EventuallyAsync(
            () => TestPostgres.RowsAsync(service.ConnectionString, "select count(*) from ersou.li_incidents where force_reference like '%/CHAIN/%'"),
            rows => rows.Single() == "4");
        Assert.Equal(["4"], linked);
        await region.ReadsAsync(Bedfordshire, ContractOperations.LinkedCouriers, new { phone = Links.ChainedRegion.NumberA, hops = 1 });
        Assert.NotEqual(["0"], await TestPostgres.RowsAsync(service.ConnectionString, "select count(*) from ersou.access_log"));

        foreach (var (force, connectionString) in service.ForceConnectionStrings)
        {
            Assert.True(
                (await TestPostgres.RowsAsync(connectionString, "select (select count(*) from ersou.li_incidents) + (select count(*) from ersou.access_log)")).Single() == "0",
                $"{force}'s database has link-graph or access-log rows");
        }
    }

    [Fact]
    public async Task The_projection_lag_is_read_from_each_force_databases_own_shard()
    {
        var store = service.Services.GetRequiredService<IDocumentStore>();
        var db = service.Services.GetRequiredService<NpgsqlDataSource>();
        // The seeded chain put events in these four forces' databases; each one's shard catches up with its own events.
        var seeded = new[] { Force.Hertfordshire, Force.Essex, Force.Norfolk, Force.Suffolk }.Select(f => $"{LinkGraphProjection.Shard}@{f.TenantId()}").ToList();
        var lag = await SixForceDatabases.EventuallyAsync(
            () => Api.Telemetry.ProjectionLag.ReadAllAsync(store, db, CancellationToken.None),
            l => seeded.All(shard => l.TryGetValue(shard, out var behind) && behind == 0));

        Assert.All(seeded, shard => Assert.Equal(0L, lag[shard]));
        Assert.DoesNotContain(LinkGraphProjection.Shard, lag.Keys);
    }

    [Theory]
    [InlineData(1, new[] { "Kai Stone" })]
    [InlineData(4, new[] { "Kai Stone", "Lee Marsh", "Max Reed", "Ned Hale" })]
    public async Task Linked_couriers_cross_the_forces_databases_nearest_first(int maxHops, string[] expected)
    {
        var links = await SixForceDatabases.EventuallyAsync(
            async () => (await region.ReadsAsync(Bedfordshire, ContractOperations.LinkedCouriers, new { phone = Links.ChainedRegion.NumberA, hops = maxHops }))["linkedCouriers"]!.AsArray(),
            l => l.Count >= expected.Length);

        Assert.Equal(expected, links.Select(l => l!["courier"]!["name"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(1, expected.Length), links.Select(l => l!["hops"]!.GetValue<int>()));
        var ned = links.SingleOrDefault(l => l!["courier"]!["name"]!.GetValue<string>() == "Ned Hale");
        if (ned is not null)
        {
            Assert.Equal(["ESSEX", "HERTFORDSHIRE", "NORFOLK", "SUFFOLK"], ned["forces"]!.AsArray().Select(f => f!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Two_forces_reporting_one_number_are_a_match_listed_for_both()
    {
        var number = OwnPhoneNumber();
        var hertfordshireReference = Unique("HC");
        var essexReference = Unique("EX");
        await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(hertfordshireReference, phones: [number]));
        await region.ReportedAsync(Force.Essex, AnIncident.Courier(essexReference, phones: [number]));

        foreach (var investigator in new[] { Investigator(Force.Hertfordshire), Investigator(Force.Essex) })
        {
            var matches = await SixForceDatabases.EventuallyAsync(() => region.MatchesOnKeyAsync(investigator, E164(number)), m => m.Count > 0);
            var match = Assert.Single(matches);
            Assert.Equal("PHONE_NUMBER", match["kind"]!.GetValue<string>());
            Assert.Equal(["ESSEX", "HERTFORDSHIRE"], Strings(match["forces"]));
            var pointers = match["pointers"]!.AsArray().Select(p => $"{p!["force"]!.GetValue<string>()} {p["forceReference"]!.GetValue<string>()}").ToList();
            Assert.Contains($"HERTFORDSHIRE {hertfordshireReference}", pointers);
            Assert.Contains($"ESSEX {essexReference}", pointers);
        }
    }

    [Fact]
    public async Task A_case_holds_incidents_of_two_forces_and_its_events_stay_in_the_lead_forces_database()
    {
        var hertfordshire = Investigator(Force.Hertfordshire);
        var number = OwnPhoneNumber();
        var hertfordshireIncident = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC"), phones: [number]));
        var essexIncident = await region.ReportedAsync(Force.Essex, AnIncident.Courier(Unique("EX")));

        var caseId = await region.OpensCaseAsync(hertfordshire, Unique("HC-CASE"));
        Accepted(await region.AttachesAsync(hertfordshire, caseId, hertfordshireIncident));
        var @case = Accepted(await region.AttachesAsync(hertfordshire, caseId, essexIncident));

        Assert.Equal(3, @case["version"]!.GetValue<int>());
        Assert.Equal(["ESSEX", "HERTFORDSHIRE"], Strings(@case["forces"]));
        Assert.Equal(new[] { essexIncident, hertfordshireIncident }.Order(StringComparer.Ordinal), @case["incidents"]!.AsArray().Select(i => Id(i!)).Order(StringComparer.Ordinal));

        // Another force reports the number: the case's timeline shows the match, found across three databases.
        await region.ReportedAsync(Force.Norfolk, AnIncident.Courier(Unique("NK"), phones: [number]));
        var timeline = await SixForceDatabases.EventuallyAsync(() => region.TimelineAsync(hertfordshire, caseId), t => t.Any(e => Kind(e) == "MATCH_FOUND"));
        Assert.Equal(2, timeline.Count(e => Kind(e) == "INCIDENT_ATTACHED"));
        Assert.Single(timeline, e => Kind(e) == "MATCH_FOUND");

        foreach (var (force, connectionString) in service.ForceConnectionStrings)
        {
            var caseEvents = await TestPostgres.RowsAsync(connectionString, $"select count(*) from ersou.mt_events where stream_id = '{caseId}'");
            Assert.Equal(force == Force.Hertfordshire ? "3" : "0", caseEvents.Single());
        }
    }

    [Fact]
    public async Task A_push_received_again_is_decided_against_the_forces_own_database_not_the_regions_read_model()
    {
        var reference = Unique("SK");
        var first = await region.ReportsAsync(Force.Suffolk, AnIncident.Courier(reference));
        var id = first["incident"]!["id"]!.GetValue<string>();
        await SixForceDatabases.EventuallyAsync(
            () => TestPostgres.RowsAsync(service.ConnectionString, $"select count(*) from ersou.li_incidents where id = '{id}'"), rows => rows.Single() == "1");
        // The region as if the daemon had not carried the push yet: its row gone (no phone, courier or vehicle to link).
        Assert.Equal(["1"], await TestPostgres.RowsAsync(service.ConnectionString, $"with gone as (delete from ersou.li_incidents where id = '{id}' returning 1) select count(*) from gone"));

        var again = await region.ReportsAsync(Force.Suffolk, AnIncident.Courier(reference));
        var amended = await region.ReportsAsync(Force.Suffolk, AnIncident.Courier(reference, summary: "Courier returned for the victim's jewellery."));

        Assert.Equal(["CREATED", "UNCHANGED", "AMENDED"], new[] { first, again, amended }.Select(p => p["outcome"]!.GetValue<string>()));
        Assert.Equal(2, amended["incident"]!["version"]!.GetValue<int>());
        Assert.Equal(["2"], await TestPostgres.RowsAsync(service.ForceConnectionStrings[Force.Suffolk], $"select count(*) from ersou.mt_events where stream_id = '{id}'"));
    }

    [Fact]
    public async Task A_batch_the_daemon_applies_to_the_region_twice_changes_nothing_the_second_time()
    {
        var number = OwnPhoneNumber();
        var id = Guid.Parse(await region.ReportedAsync(Force.Norfolk, AnIncident.Courier(Unique("NK"), phones: [number], couriers: [AnIncident.CourierNamed("Ada Vale", "1990-05-05", "AV12 VAL")])));
        var second = await region.ReportedAsync(Force.Norfolk, AnIncident.Courier(Unique("NK"), phones: [number]));
        Assert.Equal(["2"], await SixForceDatabases.EventuallyAsync(
            () => TestPostgres.RowsAsync(service.ConnectionString, $"select count(*) from ersou.li_incidents where id in ('{id}', '{second}')"),
            rows => rows.Single() == "2"));
        // Counted for this test's two incidents only: the daemon may still be applying other tests'
        // incidents to the same region, which a count of whole tables would take for a change here.
        var mine = $"('{id}', '{second}')";
        var Graph = $"select (select count(*) from ersou.li_incidents where id in {mine}) || ' ' || (select count(distinct entity_id) from ersou.li_links where incident_id in {mine}) || ' ' || (select count(*) from ersou.li_links where incident_id in {mine}) || ' ' || (select count(distinct match_id) from ersou.li_match_incidents where incident_id in {mine}) || ' ' || (select count(*) from ersou.li_match_incidents where incident_id in {mine}) || ' ' || (select count(*) from ersou.li_dead_letters)";
        var before = await TestPostgres.RowsAsync(service.ConnectionString, Graph);

        // After a crash between writing the region and saving the progress in the force database, the daemon applies the batch again.
        var store = service.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.QuerySession(Force.Norfolk.TenantId()))
        {
            var events = await session.Events.FetchStreamAsync(id);
            await new RegionLinkGraph(service.Services.GetRequiredService<NpgsqlDataSource>()).ApplyAsync(null!, events, CancellationToken.None);
        }

        Assert.Equal(before, await TestPostgres.RowsAsync(service.ConnectionString, Graph));
    }

    [Fact]
    public async Task The_import_command_refuses_with_the_reason()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "");
            var output = new StringWriter();
            var error = new StringWriter();

            var code = await ImportCommand.RunAsync(service.Services, ["--file", file], output, error);

            Assert.Equal(2, code);
            Assert.Contains("EventStore:Topology=DatabasePerForce", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    // Apart from the seeded chain's numbers (900101, 900102) and CaseSteps' (from 900101 up): this class's own.
    private static int lastPhone = 900_800;

    private static string OwnPhoneNumber() => $"07700 {Interlocked.Increment(ref lastPhone).ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
