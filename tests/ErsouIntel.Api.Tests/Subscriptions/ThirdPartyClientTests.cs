using System.Text.Json.Nodes;

namespace ErsouIntel.Api.Tests.Subscriptions;

/// <summary>
/// The endpoints driven by other people's clients, the npm packages graphql-ws and graphql-sse (pinned
/// in tests/clients/package-lock.json), run with node: what a client application would see.
/// </summary>
public sealed class ThirdPartyClientTests(LiveRegion region) : IClassFixture<LiveRegion>
{
    private string StreamUrl => new Uri(region.Http.BaseAddress!, "/graphql/stream").ToString();

    [Fact]
    public async Task graphql_ws_subscribes_receives_and_completes()
    {
        var token = await region.InvestigatorTokenAsync();

        var lines = await NodeClients.RunAsync("ws-subscribe.mjs", new { url = region.WebSocketUri.ToString(), token, query = LiveRegion.Ticks(2, 50) });

        Assert.Equal(["connected", "next", "next", "complete", "closed"], Events(lines));
        Assert.StartsWith("1:", lines[1]["payload"]!["data"]!["testTicks"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task graphql_ws_unsubscribing_stops_the_stream()
    {
        var token = await region.InvestigatorTokenAsync();

        var lines = await NodeClients.RunAsync("ws-subscribe.mjs", new { url = region.WebSocketUri.ToString(), token, query = LiveRegion.Ticks(1000, 50), take = 2 });

        // graphql-ws completes its own sink when it unsubscribes, then closes normally once idle.
        Assert.Equal(["connected", "next", "next", "unsubscribed", "complete", "closed"], Events(lines));
        Assert.Equal(1000, lines[^1]["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task graphql_ws_with_a_bad_token_is_closed_4403()
    {
        var lines = await NodeClients.RunAsync("ws-subscribe.mjs", new { url = region.WebSocketUri.ToString(), token = "not-a-token", query = LiveRegion.Ticks(1, 10) });

        var closed = lines.Single(l => l["event"]!.GetValue<string>() == "closed");
        Assert.Equal(4403, closed["code"]!.GetValue<int>());
        Assert.DoesNotContain("next", Events(lines));
    }

    [Fact]
    public async Task graphql_ws_reports_a_validation_error()
    {
        var token = await region.InvestigatorTokenAsync();

        var lines = await NodeClients.RunAsync("ws-subscribe.mjs", new { url = region.WebSocketUri.ToString(), token, query = "subscription { noSuchField }" });

        var error = lines.Single(l => l["event"]!.GetValue<string>() == "error");
        Assert.Contains("noSuchField", error["payload"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task graphql_sse_subscribes_receives_and_completes()
    {
        var token = await region.InvestigatorTokenAsync();

        var lines = await NodeClients.RunAsync("sse-subscribe.mjs", new { url = StreamUrl, token, query = LiveRegion.Ticks(2, 50) });

        Assert.Equal(["next", "next", "complete"], Events(lines));
        Assert.StartsWith("2:", lines[1]["payload"]!["data"]!["testTicks"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task graphql_sse_with_a_bad_token_is_refused_401()
    {
        var lines = await NodeClients.RunAsync("sse-subscribe.mjs", new { url = StreamUrl, token = "not-a-token", query = LiveRegion.Ticks(1, 10) });

        var error = Assert.Single(lines);
        Assert.Equal(("error", 401), (error["event"]!.GetValue<string>(), error["status"]!.GetValue<int>()));
    }

    [Fact]
    public async Task graphql_sse_reports_a_validation_error_as_a_result_with_errors()
    {
        var token = await region.InvestigatorTokenAsync();

        var lines = await NodeClients.RunAsync("sse-subscribe.mjs", new { url = StreamUrl, token, query = "subscription { noSuchField }" });

        Assert.Equal(["next", "complete"], Events(lines));
        Assert.Contains("noSuchField", lines[0]["payload"]!["errors"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static List<string> Events(List<JsonNode> lines) => lines.Select(l => l["event"]!.GetValue<string>()).ToList();
}
