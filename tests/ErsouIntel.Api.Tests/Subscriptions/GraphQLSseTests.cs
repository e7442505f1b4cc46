using System.Net;
using ErsouIntel.Api.Tests.Identity;
using ErsouIntel.Api.Tests.WebConsole;

namespace ErsouIntel.Api.Tests.Subscriptions;

/// <summary>graphql-sse's distinct connections mode at /graphql/stream, read from C# with <see cref="HttpClient"/> as the events arrive.</summary>
public sealed class GraphQLSseTests(LiveRegion region) : IClassFixture<LiveRegion>
{
    [Fact]
    public async Task An_investigator_with_a_token_receives_each_event_from_a_fresh_scope_then_complete()
    {
        var token = await region.InvestigatorTokenAsync();
        using var request = SseTestClient.Post(LiveRegion.Ticks(3, 50), token: token);

        using var response = await region.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = await SseTestClient.ReadAllAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-cache", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        Assert.Equal(["next", "next", "next", "complete"], events.Select(e => e.Event));
        var ticks = events.Take(3).Select(e => e.Data!["data"]!["testTicks"]!.GetValue<string>().Split(':')).ToList();
        Assert.Equal(["1", "2", "3"], ticks.Select(t => t[0]));
        Assert.Equal(3, ticks.Select(t => t[1]).Distinct().Count());
    }

    [Fact]
    public async Task A_GET_with_the_query_string_streams_too()
    {
        var token = await region.InvestigatorTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql/stream?query=" + Uri.EscapeDataString(LiveRegion.Ticks(1, 10)));
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Authorization = new("Bearer", token);

        using var response = await region.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(["next", "complete"], (await SseTestClient.ReadAllAsync(response)).Select(e => e.Event));
    }

    [Fact]
    public async Task No_token_or_a_bad_one_is_401_and_no_stream()
    {
        using var none = await region.Http.SendAsync(SseTestClient.Post(LiveRegion.Ticks(1, 10)));
        using var bad = await region.Http.SendAsync(SseTestClient.Post(LiveRegion.Ticks(1, 10), token: "not-a-token"));

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal("application/json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Contains("UNAUTHENTICATED", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_validation_error_is_a_next_event_with_the_errors_then_complete()
    {
        var token = await region.InvestigatorTokenAsync();
        using var response = await region.Http.SendAsync(SseTestClient.Post("subscription { noSuchField }", token: token), HttpCompletionOption.ResponseHeadersRead);
        var events = await SseTestClient.ReadAllAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["next", "complete"], events.Select(e => e.Event));
        Assert.Contains("noSuchField", events[0].Data!["errors"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(events[0].Data!["data"]);
    }

    [Fact]
    public async Task Asking_for_anything_but_an_event_stream_is_406()
    {
        var token = await region.InvestigatorTokenAsync();
        using var request = SseTestClient.Post(LiveRegion.Ticks(1, 10), token: token);
        request.Headers.Accept.Clear();
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await region.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
    }

    [Fact]
    public async Task The_consoles_session_streams_with_its_anti_forgery_header_and_is_refused_403_without_it()
    {
        using var browser = new ConsoleBrowser(region.Http.BaseAddress!);
        await browser.SignInAsync("essex.investigator", RegionWithSignIn.Password);
        using var http = CookieClient();

        using var without = await http.SendAsync(FromConsole(browser, LiveRegion.Ticks(1, 10), antiforgery: false));
        using var with = await http.SendAsync(FromConsole(browser, LiveRegion.Ticks(1, 10), antiforgery: true), HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Forbidden, without.StatusCode);
        Assert.Contains("FORBIDDEN", await without.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        Assert.Equal(["next", "complete"], (await SseTestClient.ReadAllAsync(with)).Select(e => e.Event));
    }

    [Fact]
    public async Task Signing_out_of_the_console_ends_its_stream()
    {
        using var browser = new ConsoleBrowser(region.Http.BaseAddress!);
        await browser.SignInAsync("herts.investigator", RegionWithSignIn.Password);
        using var http = CookieClient();
        using var response = await http.SendAsync(FromConsole(browser, LiveRegion.Ticks(1000, 200), antiforgery: true), HttpCompletionOption.ResponseHeadersRead);
        var events = new List<SseEvent>();

        await foreach (var item in SseTestClient.EventsAsync(response, TimeSpan.FromSeconds(20)))
        {
            events.Add(item);
            if (events.Count == 1)
            {
                Assert.Equal(204, await browser.SignOutAsync());
            }
        }

        Assert.Equal("complete", events[^1].Event);
        Assert.Equal("UNAUTHENTICATED", events[^2].Data!["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }

    private static HttpClient CookieClient() => new(new HttpClientHandler { UseCookies = false });

    private HttpRequestMessage FromConsole(ConsoleBrowser browser, string query, bool antiforgery)
    {
        var request = SseTestClient.Post(query);
        request.RequestUri = new Uri(region.Http.BaseAddress!, "/graphql/stream");
        request.Headers.Add("Cookie", string.Join("; ", browser.Cookies.Select(c => $"{c.Key}={c.Value}")));
        if (antiforgery)
        {
            request.Headers.Add("X-Ersou-Antiforgery", browser.Antiforgery);
        }

        return request;
    }
}
