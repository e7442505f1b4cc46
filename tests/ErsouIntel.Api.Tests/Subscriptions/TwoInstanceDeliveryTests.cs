using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Api.Tests.Instances;
using ErsouIntel.Domain;
using ErsouIntel.Testing;

namespace ErsouIntel.Api.Tests.Subscriptions;

/// <summary>
/// Two service processes on one database (<see cref="TwoInstances"/>): a subscriber on one instance
/// receives the alert a push to the other caused, over each transport.
/// </summary>
public sealed class TwoInstanceDeliveryTests(TwoInstances region) : IClassFixture<TwoInstances>
{
    private static readonly object Variables = new { purpose = "INVESTIGATION", why = Region.Why };

    [Fact]
    public async Task The_graphql_ws_client_on_instance_A_receives_an_alert_caused_by_a_push_to_instance_B()
    {
        const string number = "07700 900501";
        var (essex, herts) = await WatchingAsync(number, watchOn: region.A, pushOn: region.B);
        var url = new Uri(region.UrlA.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "graphql");

        var subscriber = NodeClients.RunAsync("ws-subscribe.mjs", new { url = url.ToString(), token = essex, query = ContractOperations.Text("AlertStream"), variables = Variables, take = 1 }, TimeSpan.FromSeconds(60));
        // The subscription starts on its own time: push to B until the subscriber on A has an alert.
        while (!subscriber.IsCompleted)
        {
            await PushAsync(region.B, herts, number);
            await Task.WhenAny(subscriber, Task.Delay(TimeSpan.FromSeconds(2)));
        }

        var next = (await subscriber).First(l => l["event"]!.GetValue<string>() == "next");
        Assert.Equal("NEW_LINK", next["payload"]!["data"]!["alerts"]!["kind"]!.GetValue<string>());
        Assert.Equal("HERTFORDSHIRE", next["payload"]!["data"]!["alerts"]!["pointer"]!["force"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_SSE_subscriber_on_instance_B_receives_an_alert_caused_by_a_push_to_instance_A()
    {
        const string number = "07700 900502";
        var (essex, herts) = await WatchingAsync(number, watchOn: region.B, pushOn: region.A);
        using var http = TwoInstances.ClientFor(region.B);
        using var response = await http.SendAsync(SseTestClient.Post(ContractOperations.Text("AlertStream"), Variables, essex), HttpCompletionOption.ResponseHeadersRead);
        await using var events = SseTestClient.EventsAsync(response, TimeSpan.FromSeconds(60)).GetAsyncEnumerator();

        var arrived = events.MoveNextAsync().AsTask();
        while (!arrived.IsCompleted)
        {
            await PushAsync(region.A, herts, number);
            await Task.WhenAny(arrived, Task.Delay(TimeSpan.FromSeconds(2)));
        }

        Assert.True(await arrived);
        Assert.Equal("next", events.Current.Event);
        Assert.Equal("NEW_LINK", events.Current.Data!["data"]!["alerts"]!["kind"]!.GetValue<string>());
    }

    /// <summary>Hertfordshire records the number through <paramref name="pushOn"/>, and Essex's investigator watches it through <paramref name="watchOn"/>.</summary>
    private static async Task<(string Essex, string Herts)> WatchingAsync(string number, ServiceProcess watchOn, ServiceProcess pushOn)
    {
        var herts = await TwoInstances.SystemTokenAsync(pushOn, Force.Hertfordshire);
        await PushAsync(pushOn, herts, number);
        var essex = await TwoInstances.InvestigatorTokenAsync(watchOn, Force.Essex);
        await TwoInstances.WatchAsync(watchOn, essex, new { kind = "PHONE_NUMBER", key = number });
        return (essex, herts);
    }

    private static Task<System.Text.Json.Nodes.JsonArray> PushAsync(ServiceProcess to, string herts, string number) =>
        TwoInstances.ReportAsync(to, herts, AnIncident.Courier($"HC/TI/{Guid.NewGuid():N}"[..20], phones: [number]));
}
