using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ErsouIntel.Api.Tests.Reliability;

/// <summary>An event the link-graph projection cannot handle is set aside; nothing else stops.</summary>
public sealed class PoisonEventTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);

    [Fact]
    public async Task A_poison_event_is_set_aside_shows_in_health_and_later_events_still_link()
    {
        // An incident with a phone number of null, as no validated push can carry, appended straight to the store.
        var poison = Incident.IdFor(Force.Norfolk, "NK/POISON/1");
        var details = new IncidentDetails(DateTimeOffset.UtcNow.AddDays(-1), IncidentCategory.CourierFraud, null, [], null, null, null,
            [new IncidentPhone(null!, PhoneRole.Caller)], [], [], new Grading(SourceEvaluation.Reliable, IntelligenceAssessment.A, HandlingCode.P, null));
        await using (var session = service.Services.GetRequiredService<IDocumentStore>().LightweightSession(Force.Norfolk.TenantId()))
        {
            session.Events.StartStream<Incident>(poison, new IncidentReported(poison, Force.Norfolk, "NK/POISON/1", details, "test", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync();
        }

        using var health = await service.Http.GetAsync("/health/ready");
        var report = JsonNode.Parse(await health.Content.ReadAsStringAsync())!;
        Assert.Equal(200, (int)health.StatusCode);
        Assert.Equal("Degraded", report["status"]!.GetValue<string>());
        Assert.Equal("Degraded", report["checks"]!["link-graph"]!["status"]!.GetValue<string>());

        await using (var connection = new NpgsqlConnection(service.ConnectionString))
        {
            await connection.OpenAsync();
            await using var set = new NpgsqlCommand("select count(*) from ersou.li_dead_letters where incident_id = $1", connection);
            set.Parameters.AddWithValue(poison);
            Assert.Equal(1L, (long)(await set.ExecuteScalarAsync())!);
            await using var half = new NpgsqlCommand("select count(*) from ersou.li_links where incident_id = $1", connection);
            half.Parameters.AddWithValue(poison);
            Assert.Equal(0L, (long)(await half.ExecuteScalarAsync())!);
        }

        // The next push, in the same force, links as ever.
        await region.ReportedAsync(Force.Norfolk, AnIncident.Courier("NK/AFTER/1", phones: ["07700 900777"], couriers: [AnIncident.CourierNamed("Una Vale", "1991-01-01")]));
        var links = await region.ReadsAsync(TestCaller.Investigator(Force.Norfolk), ContractOperations.LinkedCouriers, new { phone = "07700 900777", hops = 1 });
        Assert.Single(links["linkedCouriers"]!.AsArray());
    }
}
