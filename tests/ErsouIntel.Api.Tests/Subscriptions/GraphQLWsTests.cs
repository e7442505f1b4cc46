using ErsouIntel.Api.Tests.Audit;

namespace ErsouIntel.Api.Tests.Subscriptions;

/// <summary>graphql-transport-ws at /graphql, driven from C# with a bare <see cref="System.Net.WebSockets.ClientWebSocket"/>.</summary>
public sealed class GraphQLWsTests(LiveRegion region) : IClassFixture<LiveRegion>
{
    [Fact]
    public async Task An_investigator_subscribes_receives_each_event_from_a_fresh_scope_logged_before_it_arrives_then_complete()
    {
        var token = await region.InvestigatorTokenAsync();
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);
        Assert.Equal("graphql-transport-ws", client.Subprotocol);
        await client.InitAsync(token);
        var mark = await region.HeadAsync();

        await client.SubscribeAsync("1", LiveRegion.Ticks(3, 50));
        var scopes = new List<string>();
        for (var tick = 1; tick <= 3; tick++)
        {
            var next = await client.ReceiveAsync();
            Assert.Equal("next", next!["type"]!.GetValue<string>());
            Assert.Equal("1", next["id"]!.GetValue<string>());
            var value = next["payload"]!["data"]!["testTicks"]!.GetValue<string>().Split(':');
            Assert.Equal(tick.ToString(System.Globalization.CultureInfo.InvariantCulture), value[0]);
            scopes.Add(value[1]);

            // Its entry was written before the event was sent, so it is there as the event arrives.
            var logged = await region.EntriesSinceAsync(mark);
            Assert.Contains(logged, e => e.Kind == "REFUSED" && e.Justification == $"tick {tick}" && e.Subject == "essex.investigator" && e.Operation == "Ticks");
        }

        var complete = await client.ReceiveAsync();
        Assert.Equal("complete", complete!["type"]!.GetValue<string>());
        Assert.Equal("1", complete["id"]!.GetValue<string>());
        Assert.Equal(3, scopes.Distinct().Count());
    }

    [Fact]
    public async Task A_bad_token_or_none_is_closed_4403()
    {
        await using var bad = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await bad.SendAsync(new { type = "connection_init", payload = new { authorization = "Bearer not-a-token" } });
        await using var none = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await none.SendAsync(new { type = "connection_init" });

        Assert.Equal((4403, "Forbidden"), await bad.ClosedAsync());
        Assert.Equal((4403, "Forbidden"), await none.ClosedAsync());
    }

    [Fact]
    public async Task Subscribing_before_the_ack_is_closed_4401()
    {
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);

        await client.SubscribeAsync("1", LiveRegion.Ticks(1, 10));

        Assert.Equal((4401, "Unauthorized"), await client.ClosedAsync());
    }

    [Fact]
    public async Task A_second_subscription_under_a_running_id_is_closed_4409()
    {
        var token = await region.InvestigatorTokenAsync();
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await client.InitAsync(token);
        await client.SubscribeAsync("same", LiveRegion.Ticks(100, 1000));

        await client.SubscribeAsync("same", LiveRegion.Ticks(100, 1000));

        Assert.Equal((4409, "Subscriber for same already exists"), await client.ClosedAsync());
    }

    [Fact]
    public async Task A_validation_error_is_an_error_message_and_the_socket_stays_open()
    {
        var token = await region.InvestigatorTokenAsync();
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await client.InitAsync(token);

        await client.SubscribeAsync("v", "subscription { noSuchField }");
        var error = await client.ReceiveAsync();
        await client.SendAsync(new { type = "ping" });
        var pong = await client.ReceiveAsync();

        Assert.Equal("error", error!["type"]!.GetValue<string>());
        Assert.Equal("v", error["id"]!.GetValue<string>());
        Assert.Contains("noSuchField", error["payload"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("pong", pong!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_refused_subscribe_step_is_an_error_message_logged_as_refused()
    {
        var token = await region.InvestigatorTokenAsync();
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await client.InitAsync(token);
        var mark = await region.HeadAsync();

        await client.SubscribeAsync("r", LiveRegion.Ticks(-1, 10));
        var error = await client.ReceiveAsync();

        Assert.Equal("error", error!["type"]!.GetValue<string>());
        Assert.Equal("BAD_USER_INPUT", error["payload"]![0]!["extensions"]!["code"]!.GetValue<string>());
        var entry = AccessLogSteps.OneOf(await region.EntriesSinceAsync(mark), "REFUSED");
        Assert.Equal(("essex.investigator", "refused", "Ticks"), (entry.Subject, entry.Justification, entry.Operation));
    }

    [Fact]
    public async Task Queries_and_mutations_are_refused_here_and_sent_to_POST_graphql()
    {
        var token = await region.InvestigatorTokenAsync();
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await client.InitAsync(token);

        await client.SubscribeAsync("q", "{ me { subject } }");
        var error = await client.ReceiveAsync();

        Assert.Equal("error", error!["type"]!.GetValue<string>());
        Assert.Contains("POST /graphql", error["payload"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_document_over_the_limits_is_refused_as_over_HTTP()
    {
        var token = await region.InvestigatorTokenAsync();
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await client.InitAsync(token);

        await client.SubscribeAsync("deep", "subscription { " + string.Concat(Enumerable.Repeat("a { ", 100)) + "b" + new string('}', 101));
        var error = await client.ReceiveAsync();

        Assert.Equal("error", error!["type"]!.GetValue<string>());
        Assert.Equal("QUERY_TOO_COMPLEX", error["payload"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_connection_init_in_time_the_socket_is_closed_4408()
    {
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);

        Assert.Equal((4408, "Connection initialisation timeout"), await client.ClosedAsync());
    }

    [Fact]
    public async Task A_second_connection_init_is_closed_4429()
    {
        var token = await region.InvestigatorTokenAsync();
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await client.InitAsync(token);

        await client.SendAsync(new { type = "connection_init" });

        Assert.Equal((4429, "Too many initialisation requests"), await client.ClosedAsync());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"type\":\"no_such_type\"}")]
    [InlineData("{\"type\":\"subscribe\",\"payload\":{\"query\":\"subscription { testTicks(count: 1, everyMs: 1) }\"}}")]
    [InlineData("{\"type\":\"next\",\"id\":\"1\",\"payload\":{}}")]
    public async Task An_invalid_message_is_closed_4400(string message)
    {
        var token = await region.InvestigatorTokenAsync();
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await client.InitAsync(token);

        await client.SendTextAsync(message);

        Assert.Equal(4400, (await client.ClosedAsync()).Code);
    }

    [Fact]
    public async Task The_server_pings_an_idle_socket_and_answers_a_ping_with_a_pong()
    {
        var token = await region.InvestigatorTokenAsync();
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await client.InitAsync(token);

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var ping = await client.ReceiveAnyAsync(wait.Token);
        await client.SendAsync(new { type = "ping", payload = new { at = 1 } });
        var pong = await client.ReceiveAsync();

        Assert.Equal("ping", ping!["type"]!.GetValue<string>());
        Assert.Equal("pong", pong!["type"]!.GetValue<string>());
        Assert.Equal(1, pong["payload"]!["at"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_complete_from_the_client_stops_its_events_and_the_socket_carries_on()
    {
        var token = await region.InvestigatorTokenAsync();
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await client.InitAsync(token);
        await client.SubscribeAsync("stop-me", LiveRegion.Ticks(1000, 100));
        Assert.Equal("next", (await client.ReceiveAsync())!["type"]!.GetValue<string>());

        await client.SendAsync(new { id = "stop-me", type = "complete" });
        // Anything already on its way arrives before the pong; nothing of the operation after it.
        await client.SendAsync(new { type = "ping" });
        while ((await client.ReceiveAsync())!["type"]!.GetValue<string>() != "pong")
        {
        }

        await Task.Delay(500);
        await client.SendAsync(new { type = "ping" });
        var after = await client.ReceiveAsync();
        Assert.Equal("pong", after!["type"]!.GetValue<string>());

        // The id is free again.
        await client.SubscribeAsync("stop-me", LiveRegion.Ticks(1, 10));
        Assert.Equal("next", (await client.ReceiveAsync())!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_upgrade_from_another_origin_is_refused_and_from_the_services_own_accepted()
    {
        var status = await WsTestClient.RefusedUpgradeStatusAsync(region.WebSocketUri, "https://evil.example");
        await using var own = await WsTestClient.ConnectAsync(region.WebSocketUri, origin: region.Http.BaseAddress!.GetLeftPart(UriPartial.Authority));

        Assert.Equal(403, status);
        Assert.Equal("graphql-transport-ws", own.Subprotocol);
    }

    [Fact]
    public async Task A_client_without_the_subprotocol_is_closed_4406()
    {
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri, subprotocol: null);

        Assert.Equal((4406, "Subprotocol not acceptable"), await client.ClosedAsync());
    }
}
