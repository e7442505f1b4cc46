using System.Net;
using ErsouIntel.Api.Tests.Identity;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace ErsouIntel.Api.Tests.Subscriptions;

/// <summary>A subscription lives no longer than the sign-in behind it: its token's expiry, or its person disabled.</summary>
public sealed class TokenExpiryEndsSubscriptionsTests(ShortTokenRegion region) : IClassFixture<ShortTokenRegion>
{
    [Fact]
    public async Task A_socket_is_closed_4403_when_its_token_expires()
    {
        var token = await region.InvestigatorTokenAsync();
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await client.InitAsync(token);
        await client.SubscribeAsync("long", LiveRegion.Ticks(1000, 500));

        var ticks = 0;
        while (await client.ReceiveAsync(ShortTokenRegion.TokenLifetime * 3) is { } message)
        {
            Assert.Equal("next", message["type"]!.GetValue<string>());
            ticks++;
        }

        Assert.True(ticks >= 3, $"Expected ticks before the token expired, got {ticks}");
        Assert.Equal((4403, "Forbidden"), client.Closed);
    }

    [Fact]
    public async Task The_graphql_ws_client_sees_4403_when_its_token_expires()
    {
        var token = await region.InvestigatorTokenAsync();

        var lines = await NodeClients.RunAsync("ws-subscribe.mjs", new { url = region.WebSocketUri.ToString(), token, query = LiveRegion.Ticks(1000, 500) });

        // Accepted (the token was valid at connection_init), then closed 4403: the expiry, not a refusal, ended it.
        var events = lines.Select(l => l["event"]!.GetValue<string>()).ToList();
        Assert.True(events.IndexOf("connected") is >= 0 and var connected && connected < events.IndexOf("closed"), string.Join(", ", events));
        Assert.Equal(4403, lines.Single(l => l["event"]!.GetValue<string>() == "closed")["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_stream_ends_with_an_UNAUTHENTICATED_event_when_its_token_expires()
    {
        var token = await region.InvestigatorTokenAsync();
        using var response = await region.Http.SendAsync(SseTestClient.Post(LiveRegion.Ticks(1000, 500), token: token), HttpCompletionOption.ResponseHeadersRead);

        var events = await SseTestClient.ReadAllAsync(response, ShortTokenRegion.TokenLifetime * 3);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(events.Count >= 3, $"Expected ticks before the end, got {events.Count} events");
        Assert.Equal("complete", events[^1].Event);
        Assert.Equal("UNAUTHENTICATED", events[^2].Data!["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }
}

/// <summary>Disabling a person, or revoking their tokens, ends their live subscriptions within the re-check interval.</summary>
public sealed class DisabledPersonEndsSubscriptionsTests(LiveRegion region) : IClassFixture<LiveRegion>
{
    [Fact]
    public async Task A_socket_whose_token_is_revoked_is_closed_4403()
    {
        await region.AdminAsync(["add-user", "--username", "revoked.investigator", "--role", "investigator", "--force", "SUFFOLK"], RegionWithSignIn.Password);
        var token = await region.InvestigatorTokenAsync("revoked.investigator");
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await client.InitAsync(token);
        await client.SubscribeAsync("long", LiveRegion.Ticks(1000, 200));
        Assert.Equal("next", (await client.ReceiveAsync())!["type"]!.GetValue<string>());

        // The token server's own revocation (what disable-user does besides disabling), the account left enabled.
        await using (var scope = region.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().RevokeBySubjectAsync("revoked.investigator");
        }

        while (await client.ReceiveAsync() is { } message)
        {
            Assert.Equal("next", message["type"]!.GetValue<string>());
        }

        Assert.Equal((4403, "Forbidden"), client.Closed);
    }

    [Fact]
    public async Task A_disabled_persons_socket_is_closed_4403_and_their_stream_ends()
    {
        await region.AdminAsync(["add-user", "--username", "leaving.investigator", "--role", "investigator", "--force", "NORFOLK"], RegionWithSignIn.Password);
        var token = await region.InvestigatorTokenAsync("leaving.investigator");
        await using var client = await WsTestClient.ConnectAsync(region.WebSocketUri);
        await client.InitAsync(token);
        await client.SubscribeAsync("long", LiveRegion.Ticks(1000, 200));
        Assert.Equal("next", (await client.ReceiveAsync())!["type"]!.GetValue<string>());
        using var response = await region.Http.SendAsync(SseTestClient.Post(LiveRegion.Ticks(1000, 200), token: token), HttpCompletionOption.ResponseHeadersRead);
        var stream = SseTestClient.ReadAllAsync(response, TimeSpan.FromSeconds(20));

        var (exit, _, error) = await region.AdminAsync(["disable-user", "--username", "leaving.investigator"]);
        Assert.True(exit == 0, error);

        while (await client.ReceiveAsync() is { } message)
        {
            Assert.Equal("next", message["type"]!.GetValue<string>());
        }

        Assert.Equal((4403, "Forbidden"), client.Closed);
        var events = await stream;
        Assert.Equal("complete", events[^1].Event);
        Assert.Equal("UNAUTHENTICATED", events[^2].Data!["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }
}
