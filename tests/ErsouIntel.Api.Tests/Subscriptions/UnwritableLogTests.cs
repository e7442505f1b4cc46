using Npgsql;

namespace ErsouIntel.Api.Tests.Subscriptions;

/// <summary>As <see cref="LiveRegion"/>, with the access log refusing the entry of the second tick (a trigger), as a full disk or a lost database would.</summary>
public sealed class UnwritableLogRegion : LiveRegion
{
    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            create function ersou.test_refuse_tick_2() returns trigger language plpgsql as $$
            begin
              if new.justification = 'tick 2' then raise exception 'the access log cannot be written (test)'; end if;
              return new;
            end $$;
            create trigger test_refuse_tick_2 before insert on ersou.access_log for each row execute function ersou.test_refuse_tick_2();
            """, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>An event whose access-log entry cannot be written is not sent, and its subscription ends with an error.</summary>
public sealed class UnwritableLogTests(UnwritableLogRegion region) : IClassFixture<UnwritableLogRegion>
{
    [Fact]
    public async Task Over_WebSocket_the_event_is_not_sent_and_the_operation_ends_with_an_error()
    {
        var token = await region.InvestigatorTokenAsync();
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await client.InitAsync(token);

        await client.SubscribeAsync("1", LiveRegion.Ticks(3, 100));
        var first = await client.ReceiveAsync();
        var second = await client.ReceiveAsync();
        await Task.Delay(500);
        await client.SendAsync(new { type = "ping" });
        var afterwards = await client.ReceiveAsync();

        Assert.Equal("next", first!["type"]!.GetValue<string>());
        Assert.StartsWith("1:", first["payload"]!["data"]!["testTicks"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("error", second!["type"]!.GetValue<string>());
        Assert.Equal("INTERNAL", second["payload"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.Contains("access log", second["payload"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        // Neither tick 2 nor tick 3 came: the operation ended; the socket did not.
        Assert.Equal("pong", afterwards!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Over_SSE_the_event_is_not_sent_and_the_stream_ends_with_an_error()
    {
        var token = await region.InvestigatorTokenAsync();
        using var response = await region.Http.SendAsync(SseTestClient.Post(LiveRegion.Ticks(3, 100), token: token), HttpCompletionOption.ResponseHeadersRead);

        var events = await SseTestClient.ReadAllAsync(response);

        Assert.Equal(["next", "next", "complete"], events.Select(e => e.Event));
        Assert.StartsWith("1:", events[0].Data!["data"]!["testTicks"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("INTERNAL", events[1].Data!["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.Null(events[1].Data!["data"]);
    }
}
