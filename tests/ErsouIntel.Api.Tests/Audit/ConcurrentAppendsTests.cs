using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ErsouIntel.Api.Tests.Audit.ProvableLog;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Npgsql;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Audit;

/// <summary>Many requests at once, on two instances of the service over one database, leave one chain: no fork, no gap.</summary>
public sealed class ConcurrentAppendsTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);

    [Fact]
    public async Task Twenty_requests_at_once_on_two_instances_leave_one_gap_free_chain()
    {
        var phone = NewPhoneNumber();
        var incident = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC"), [phone]));
        var mark = await service.HeadAsync();
        await using var second = await ServiceFixture.StartAsync(service.ConnectionString);
        using var secondHttp = ServiceFixture.ClientFor(second);
        var forces = Forces.All;

        var requests = Enumerable.Range(0, 20).Select(i =>
        {
            var http = i % 2 == 0 ? service.Http : secondHttp;
            var force = forces[i % forces.Count];
            return (i % 4) switch
            {
                0 => SendAsync(http, TestCaller.ForceSystem(force), ContractOperations.ReportIncident, new { input = AnIncident.Courier(Unique("CC"), [phone]) }),
                1 => SendAsync(http, Investigator(force), ContractOperations.Incident, new { id = incident, purpose = "INVESTIGATION", why = Region.Why }),
                2 => SendAsync(http, Investigator(force), ContractOperations.PhoneNumberProfile, new { phone, purpose = "INVESTIGATION", why = Region.Why }),
                _ => SendAsync(http, RegionAuditor(), "VerifyAccessLog", new { }),
            };
        }).ToList();
        var statuses = await Task.WhenAll(requests);

        Assert.All(statuses, s => Assert.Equal(200, s));
        var rows = await service.EntriesSinceAsync(0);
        Assert.Equal(Enumerable.Range(1, rows.Count).Select(s => (long)s), rows.Select(r => r.Sequence));
        Assert.True(rows.Count - mark >= 20, $"Twenty requests wrote only {rows.Count - mark} entries.");
        var verification = await service.VerifiesAsync();
        Assert.True(verification["valid"]!.GetValue<bool>(), verification.ToJsonString());
        Assert.Equal(rows.Count, verification["entriesChecked"]!.GetValue<long>());
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var forks = new NpgsqlCommand("select count(*) from (select previous_hash from ersou.access_log group by previous_hash having count(*) > 1) f", connection);
        Assert.Equal(0L, (long)(await forks.ExecuteScalarAsync())!);

        // Both instances' signers raced for the same tree: it holds one leaf per entry, and every checkpoint either
        // signed is the root of the entries (verifyAccessLog compares each, and its signature, with the rows).
        await service.CheckpointAsync(rows.Count);
        Assert.True((await service.VerifiesAsync())["valid"]!.GetValue<bool>());
        Assert.Equal(await service.HeadAsync(), await service.ScalarAsync("select count(*) from ersou.access_log_tree where level = 0"));
    }

    private static async Task<int> SendAsync(HttpClient http, TestCaller caller, string operation, object variables)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query = ContractOperations.Text(operation), variables }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/graphql-response+json"));
        request.Headers.Add(TestCaller.Header, caller.Encode());
        using var response = await http.SendAsync(request);
        return (int)response.StatusCode;
    }
}
