using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Protection;

/// <summary>When the database is gone, callers learn that something failed, and nothing about what.</summary>
public sealed class ErrorsRevealNothingTests
{
    [Fact]
    public async Task A_failure_inside_the_service_shows_no_exception_stack_trace_or_SQL()
    {
        var app = await ServiceFixture.StartAsync(
            "Host=127.0.0.1;Port=9;Username=nobody;Password=x;Database=none;Timeout=2",
            new Dictionary<string, string?> { ["Storage:ApplySchemaOnStartup"] = "false" });
        try
        {
            var fixture = new ConnectedTo(app);
            var read = await fixture.PostAsAsync(TestCaller.Investigator(Force.Essex), ContractOperations.Text(ContractOperations.Incidents), new { purpose = "INVESTIGATION", why = Region.Why });
            var write = await fixture.PostAsAsync(TestCaller.ForceSystem(Force.Essex), ContractOperations.Text(ContractOperations.ReportIncident), new { input = AnIncident.Courier("EX/DOWN/1") });

            foreach (var answer in new[] { read, write })
            {
                Assert.True(answer.Status is 200 or 503, answer.ToString());
                Assert.Equal("INTERNAL", answer.FirstErrorCode);
                foreach (var secret in new[] { "Npgsql", "Exception", "   at ", "select ", "insert ", "ersou.", "127.0.0.1", "nobody" })
                {
                    Assert.DoesNotContain(secret, answer.Text, StringComparison.OrdinalIgnoreCase);
                }
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>The fixture's request helpers over an app started by hand.</summary>
    private sealed class ConnectedTo : ServiceFixture
    {
        public ConnectedTo(Microsoft.AspNetCore.Builder.WebApplication app) => Http = ClientFor(app);
    }
}
