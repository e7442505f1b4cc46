using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.Infrastructure;

namespace ErsouIntel.Api.Tests.Subscriptions;

/// <summary>
/// The role matrix's row for the one contract operation that is not answered over plain HTTP,
/// <c>AlertStream</c>, driven over its live transport (SSE) with tokens from the real endpoints:
/// investigators get a stream; every other signed-in role a FORBIDDEN result and one REFUSED entry
/// naming them; no token, 401 and nothing logged.
/// </summary>
public sealed class AlertStreamRoleTests(LiveRegion region) : IClassFixture<LiveRegion>
{
    public enum Role { ForceSystem, Investigator, Auditor, Admin }

    private static readonly object Variables = new { purpose = "INVESTIGATION", why = Region.Why };

    [Theory]
    [InlineData(Role.ForceSystem, "herts-system", "force-system")]
    [InlineData(Role.Auditor, "region.auditor", "auditor")]
    [InlineData(Role.Admin, "the.admin", "admin")]
    public async Task Only_investigators_may_subscribe_to_alerts_and_every_other_role_is_refused_and_logged(Role role, string subject, string roleLogged)
    {
        var token = await TokenAsync(role);
        List<SseEvent> events = [];

        var entries = await region.LoggedWhileAsync(async () =>
        {
            using var response = await region.Http.SendAsync(SseTestClient.Post(ContractOperations.Text("AlertStream"), Variables, token), HttpCompletionOption.ResponseHeadersRead);
            events = await SseTestClient.ReadAllAsync(response);
        });

        Assert.Equal(["next", "complete"], events.Select(e => e.Event));
        Assert.Equal("FORBIDDEN", events[0].Data!["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        var refused = AccessLogSteps.OneOf(entries, "REFUSED");
        Assert.Equal(subject, refused.Subject);
        Assert.Contains(roleLogged, refused.Roles);
    }

    [Fact]
    public async Task An_investigator_gets_a_stream_that_stays_open()
    {
        var token = await TokenAsync(Role.Investigator);
        using var response = await region.Http.SendAsync(SseTestClient.Post(ContractOperations.Text("AlertStream"), Variables, token), HttpCompletionOption.ResponseHeadersRead);

        // No alert and no end within a few keep-alive intervals: only comments arrive.
        var events = new List<SseEvent>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in SseTestClient.EventsAsync(response, TimeSpan.FromSeconds(3)))
            {
                events.Add(item);
            }
        });

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Empty(events);
    }

    [Fact]
    public async Task Without_a_token_it_is_401_and_nothing_is_logged()
    {
        HttpResponseMessage? response = null;

        var entries = await region.LoggedWhileAsync(async () => response = await region.Http.SendAsync(SseTestClient.Post(ContractOperations.Text("AlertStream"), Variables)));

        using (response)
        {
            Assert.Equal(401, (int)response!.StatusCode);
        }

        Assert.Empty(entries);
    }

    private async Task<string> TokenAsync(Role role) => role switch
    {
        Role.ForceSystem => await region.ClientCredentialsAsync("herts-system"),
        Role.Investigator => await region.InvestigatorTokenAsync("herts.investigator"),
        Role.Auditor => (await region.AuthorizationCodeAsync("region.auditor", "audit:read"))["access_token"]!.GetValue<string>(),
        _ => (await region.AuthorizationCodeAsync("the.admin", "admin"))["access_token"]!.GetValue<string>(),
    };
}
