using ErsouIntel.Api.Demo;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Npgsql;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>
/// What a newcomer finds after the run command: the news report's story linked as the scenario test
/// proves it, a few hundred incidents across the six forces (some graded C), the demo case, and all of
/// it written once however often the service starts.
/// </summary>
public sealed class DemoIntelligenceTests(DevelopmentServiceFixture service) : IClassFixture<DevelopmentServiceFixture>
{
    private readonly Region region = new(service);

    [Fact]
    public async Task The_boiler_room_number_links_the_news_reports_couriers_with_the_other_forces_records_withheld()
    {
        var cambs = TestCaller.Investigator(Force.Cambridgeshire);
        var links = (await region.ReadsAsync(cambs, ContractOperations.LinkedCouriers, new { phone = DemoScenario.BoilerRoom, hops = 2 }))["linkedCouriers"]!.AsArray();

        Assert.Equal(3, links.Count);
        var jay = Assert.Single(links, l => l!["courier"]?["name"]?.GetValue<string>() == "Jay Holt")!;
        Assert.Equal(["KX21ABC", "YR19XYZ"], jay["courier"]!["vehicleRegistrations"]!.AsArray().Select(r => r!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(2, links.Count(l => l!["withheld"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Every_force_has_a_few_dozen_incidents_and_some_are_graded_C()
    {
        var counts = await CountsAsync(service.ConnectionString);

        Assert.Equal(Forces.All.Select(f => f.TenantId()).Order(StringComparer.Ordinal), counts.Keys.Order(StringComparer.Ordinal));
        Assert.All(counts.Values, c => Assert.InRange(c.All, 25, 120));
        Assert.Equal(DemoIncidents.Count + DemoScenario.Reports.Count, counts.Values.Sum(c => c.All));
        Assert.InRange(counts.Values.Sum(c => c.C), 20, 100);
    }

    [Fact]
    public async Task A_second_start_writes_nothing_again()
    {
        var incidents = await CountsAsync(service.ConnectionString);
        var entries = await ScalarAsync(service.ConnectionString, "select count(*) from ersou.access_log");

        var again = await ServiceFixture.StartAsync(service.ConnectionString, environment: "Development");
        await again.StopAsync();
        await again.DisposeAsync();

        Assert.Equal(incidents, await CountsAsync(service.ConnectionString));
        Assert.Equal(entries, await ScalarAsync(service.ConnectionString, "select count(*) from ersou.access_log"));
    }

    [Fact]
    public async Task The_demo_case_is_open_with_its_incidents_and_notes_on_its_timeline()
    {
        var essex = TestCaller.Investigator(Force.Essex);
        var id = await ScalarAsync(service.ConnectionString, $"select id::text from ersou.li_cases where reference = '{DemoIntelligence.CaseReference}'");
        var timeline = (await region.ReadsAsync(essex, ContractOperations.CaseTimeline, new { id, first = 50 }))["case"]!["timeline"]!["edges"]!.AsArray();

        var kinds = timeline.Select(e => e!["node"]!["kind"]!.GetValue<string>()).ToList();
        Assert.Equal(2, kinds.Count(k => k == "INCIDENT_ATTACHED"));
        Assert.Equal(2, kinds.Count(k => k == "NOTE_ADDED"));
    }

    private static async Task<Dictionary<string, (long All, long C)>> CountsAsync(string connectionString)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand("select force, count(*), count(*) filter (where handling = 'C') from ersou.li_incidents group by force");
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }

        return counts;
    }

    private static async Task<string?> ScalarAsync(string connectionString, string sql)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand(sql);
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
