using ErsouIntel.Api.Tests.Audit;
using ErsouIntel.Api.Tests.Infrastructure;

namespace ErsouIntel.Api.Tests.Subscriptions;

/// <summary>
/// The core's <c>Subscription.alerts</c> over both transports and from both third-party clients: an Essex
/// investigator watches a number, Hertfordshire's system pushes an incident carrying it, and the alert
/// arrives, its delivery in the access log (with the subscription's purpose and justification) by then.
/// </summary>
public sealed class AlertDeliveryTests(LiveRegion region) : IClassFixture<LiveRegion>
{
    private const string Why = "Numbers used in the Stevenage courier fraud series";

    private static string AlertStream => ContractOperations.Text("AlertStream");

    [Fact]
    public async Task Over_WebSocket_an_alert_arrives_live_and_its_delivery_was_logged_before_it_arrived()
    {
        const string number = "07700 900401";
        var (essex, herts) = await WatchingAsync(number);
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await client.InitAsync(essex);
        await client.SubscribeAsync("alerts", AlertStream, new { purpose = "INVESTIGATION", why = Why });
        var mark = await region.HeadAsync();

        // The subscription starts on its own time: push until the first alert comes.
        var arrived = client.ReceiveAsync(TimeSpan.FromSeconds(30));
        while (!arrived.IsCompleted)
        {
            await PushAsync(herts, number);
            await Task.WhenAny(arrived, Task.Delay(TimeSpan.FromSeconds(2)));
        }

        var next = await arrived;
        var logged = await region.EntriesSinceAsync(mark);

        Assert.Equal("next", next!["type"]!.GetValue<string>());
        var alert = next["payload"]!["data"]!["alerts"]!;
        Assert.Equal("NEW_LINK", alert["kind"]!.GetValue<string>());
        Assert.Equal("HERTFORDSHIRE", alert["pointer"]!["force"]!.GetValue<string>());
        var delivery = Assert.Single(logged, e => e.Operation == "AlertStream" && e.Records.Any(r => r.Id == alert["id"]!.GetValue<string>()));
        Assert.Equal(("essex.investigator", "INVESTIGATION", Why), (delivery.Subject, delivery.Purpose, delivery.Justification));

        await client.SendAsync(new { id = "alerts", type = "complete" });
    }

    [Fact]
    public async Task Over_SSE_a_subscriber_reconnecting_with_after_receives_what_it_missed()
    {
        const string number = "07700 900402";
        var (essex, herts) = await WatchingAsync(number);
        var (older, newer) = await TwoAlertsAsync(essex, herts, number);

        using var response = await region.Http.SendAsync(
            SseTestClient.Post(AlertStream, new { purpose = "INVESTIGATION", why = Why, after = older }, essex), HttpCompletionOption.ResponseHeadersRead);
        await using var events = SseTestClient.EventsAsync(response, TimeSpan.FromSeconds(20)).GetAsyncEnumerator();

        Assert.True(await events.MoveNextAsync());
        Assert.Equal("next", events.Current.Event);
        Assert.Equal(newer, events.Current.Data!["data"]!["alerts"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_graphql_ws_client_receives_a_missed_alert()
    {
        const string number = "07700 900403";
        var (essex, herts) = await WatchingAsync(number);
        var (older, newer) = await TwoAlertsAsync(essex, herts, number);

        var lines = await NodeClients.RunAsync("ws-subscribe.mjs", new
        {
            url = region.WebSocketUri.ToString(),
            token = essex,
            query = AlertStream,
            variables = new { purpose = "INVESTIGATION", why = Why, after = older },
            take = 1,
        });

        // The first one after 'after' is the one missed (more may follow before the client stops).
        var next = lines.First(l => l["event"]!.GetValue<string>() == "next");
        Assert.Equal(newer, next["payload"]!["data"]!["alerts"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_graphql_sse_client_receives_a_missed_alert()
    {
        const string number = "07700 900404";
        var (essex, herts) = await WatchingAsync(number);
        var (older, newer) = await TwoAlertsAsync(essex, herts, number);

        var lines = await NodeClients.RunAsync("sse-subscribe.mjs", new
        {
            url = new Uri(region.Http.BaseAddress!, "/graphql/stream").ToString(),
            token = essex,
            query = AlertStream,
            variables = new { purpose = "INVESTIGATION", why = Why, after = older },
            take = 1,
        });

        // The first one after 'after' is the one missed (more may follow before the client stops).
        var next = lines.First(l => l["event"]!.GetValue<string>() == "next");
        Assert.Equal(newer, next["payload"]!["data"]!["alerts"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_auditor_is_refused_the_subscription_and_the_refusal_is_logged()
    {
        var auditor = (await region.AuthorizationCodeAsync("region.auditor", "audit:read"))["access_token"]!.GetValue<string>();
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await client.InitAsync(auditor);
        var mark = await region.HeadAsync();

        await client.SubscribeAsync("alerts", AlertStream, new { purpose = "INVESTIGATION", why = Why });
        var error = await client.ReceiveAsync();

        Assert.Equal("error", error!["type"]!.GetValue<string>());
        Assert.Equal("FORBIDDEN", error["payload"]![0]!["extensions"]!["code"]!.GetValue<string>());
        var refused = AccessLogSteps.OneOf(await region.EntriesSinceAsync(mark), "REFUSED");
        Assert.Equal(("region.auditor", "AlertStream"), (refused.Subject, refused.Operation));
    }

    /// <summary>Hertfordshire records the number, and the Essex investigator watches it: their tokens.</summary>
    private async Task<(string Essex, string Herts)> WatchingAsync(string number)
    {
        var herts = await region.ClientCredentialsAsync("herts-system");
        await PushAsync(herts, number);
        var essex = await region.InvestigatorTokenAsync();
        var watched = await region.PostWithTokenAsync(essex, ContractOperations.Text(ContractOperations.Watch), new
        {
            input = new { entity = new { kind = "PHONE_NUMBER", key = number }, purpose = "INVESTIGATION", justification = Why },
        });
        Assert.True(watched.Errors is null && watched.Data!["watch"]!["errors"]!.AsArray().Count == 0, watched.ToString());
        return (essex, herts);
    }

    private async Task PushAsync(string herts, string number)
    {
        var reported = await region.PostWithTokenAsync(herts, ContractOperations.Text(ContractOperations.ReportIncident), new
        {
            input = AnIncident.Courier($"HC/AL/{Guid.NewGuid():N}"[..20], phones: [number]),
        });
        Assert.True(reported.Errors is null, reported.ToString());
    }

    /// <summary>Two pushes, and the ids of the two alerts they raised for the watcher, older first.</summary>
    private async Task<(string Older, string Newer)> TwoAlertsAsync(string essex, string herts, string number)
    {
        await PushAsync(herts, number);
        await PushAsync(herts, number);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var listed = await region.PostWithTokenAsync(essex, ContractOperations.Text("Alerts"), new { first = 50, purpose = "INVESTIGATION", why = Why });
            Assert.True(listed.Errors is null, listed.ToString());
            var ids = listed.Data!["access"]!["alerts"]!["edges"]!.AsArray()
                .Select(e => e!["node"]!)
                .Where(n => n["kind"]!.GetValue<string>() == "NEW_LINK")
                .Select(n => n["id"]!.GetValue<string>())
                .ToList();
            if (ids.Count >= 2)
            {
                // Newest first.
                return (ids[1], ids[0]);
            }

            await Task.Delay(250, timeout.Token);
        }
    }
}
