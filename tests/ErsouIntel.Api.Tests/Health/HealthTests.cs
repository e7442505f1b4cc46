using ErsouIntel.Api.Tests.Infrastructure;

namespace ErsouIntel.Api.Tests.Health;

public sealed class HealthTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Live_and_ready_answer_200_when_PostgreSQL_answers()
    {
        using var live = await service.Http.GetAsync("/health/live");
        using var ready = await service.Http.GetAsync("/health/ready");

        Assert.Equal(200, (int)live.StatusCode);
        Assert.Equal(200, (int)ready.StatusCode);
    }

    [Fact]
    public async Task Ready_turns_503_while_live_stays_200_when_PostgreSQL_is_unreachable()
    {
        // Port 9 (discard) on loopback: nothing listens, so every connection is refused at once.
        var app = await ServiceFixture.StartAsync(
            "Host=127.0.0.1;Port=9;Username=nobody;Password=x;Database=none;Timeout=2",
            new Dictionary<string, string?> { ["Storage:ApplySchemaOnStartup"] = "false" });
        try
        {
            using var http = ServiceFixture.ClientFor(app);
            using var live = await http.GetAsync("/health/live");
            using var ready = await http.GetAsync("/health/ready");

            Assert.Equal(200, (int)live.StatusCode);
            Assert.Equal(503, (int)ready.StatusCode);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
