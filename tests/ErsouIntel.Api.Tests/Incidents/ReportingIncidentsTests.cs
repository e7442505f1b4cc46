using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Incidents;

public sealed class ReportingIncidentsTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);

    [Fact]
    public async Task A_first_push_creates_the_incident_with_normalised_numbers()
    {
        var payload = await region.ReportsAsync(Force.Hertfordshire, AnIncident.Courier("HC/2024/0001", phones: ["07700 900123"]));

        Assert.Equal("CREATED", payload["outcome"]!.GetValue<string>());
        var incident = payload["incident"]!;
        Assert.Equal("HERTFORDSHIRE", incident["force"]!.GetValue<string>());
        Assert.Equal("+447700900123", incident["phoneNumbers"]![0]!["e164"]!.GetValue<string>());
        Assert.Equal(1, incident["version"]!.GetValue<int>());
    }
}
