using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Audit;

/// <summary>When the access log cannot be written, nothing that should have been logged leaves: 503, Retry-After, INTERNAL, no data.</summary>
public sealed class UnwritableLogTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);

    [Fact]
    public async Task A_read_whose_entries_cannot_be_written_answers_503_with_no_data_and_is_answered_again_once_the_log_is_back()
    {
        var summary = $"Courier wore a hi-vis jacket {Guid.NewGuid():N}";
        var reference = Unique("EX");
        var id = await region.ReportedAsync(Force.Essex, AnIncident.Courier(reference, summary: summary));
        var investigator = Investigator(Force.Essex);

        GraphQLAnswer read, report, me;
        await ExecuteAsync(service.ConnectionString, "alter table ersou.access_log rename to access_log_away");
        try
        {
            read = await region.AsksAsync(investigator, ContractOperations.Incident, new { id });
            report = await service.PostAsAsync(TestCaller.ForceSystem(Force.Essex), ContractOperations.Text(ContractOperations.ReportIncident), new { input = AnIncident.Courier(Unique("EX")) });
            me = await service.PostAsAsync(investigator, ContractOperations.Text(ContractOperations.Me));
        }
        finally
        {
            await ExecuteAsync(service.ConnectionString, "alter table ersou.access_log_away rename to access_log");
        }

        var again = await region.AsksAsync(investigator, ContractOperations.Incident, new { id });

        foreach (var refused in new[] { read, report })
        {
            Assert.True(refused.Status == 503, $"A request whose access-log entries could not be written was answered: {refused}");
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
            Assert.Equal("INTERNAL", refused.FirstErrorCode);
            Assert.False(refused.HasDataKey, $"A request whose access-log entries could not be written returned data: {refused}");
            Assert.DoesNotContain(id, refused.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(summary, refused.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("access_log", refused.Text, StringComparison.Ordinal);
        }

        // Nothing read, nothing changed: nothing to log, so it is answered.
        Assert.True(me.Status == 200 && me.Errors is null, me.ToString());
        Assert.True(again.Status == 200 && again.Data?["access"]?["incident"]?["id"]?.GetValue<string>() == id, again.ToString());
    }
}
