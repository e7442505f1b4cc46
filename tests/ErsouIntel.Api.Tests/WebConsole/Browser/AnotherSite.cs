using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ErsouIntel.Api.Tests.WebConsole.Browser;

/// <summary>
/// A page the attacker controls, served by a Kestrel of its own on another loopback port: its script
/// tries to open a case on the service in the victim's browser, by fetch with credentials and by a
/// plain form post, the two ways a page can send a cookie-bearing request to another origin.
/// </summary>
public sealed class AnotherSite : IAsyncDisposable
{
    private readonly WebApplication app;

    private AnotherSite(WebApplication app) => this.app = app;

    public int Port => new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()).Port;

    public static async Task<AnotherSite> StartAsync(string service, string reference, string justification)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/", () => Results.Content(Page(service, reference, justification), "text/html"));
        await app.StartAsync();
        return new AnotherSite(app);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static string Page(string service, string reference, string justification)
    {
        var mutation = $"mutation {{ openCase(input: {{ reference: \"{reference}\", title: \"Opened from another site\", justification: \"{justification}\" }}) {{ case {{ id }} }} }}";
        var encoded = WebUtility.HtmlEncode(mutation);
        var json = System.Text.Json.JsonSerializer.Serialize(new { query = mutation });
        return $$"""
            <!doctype html>
            <html lang="en"><head><title>Win a prize</title></head><body>
            <form id="attack" method="post" action="{{service}}/graphql">
              <input type="hidden" name="query" value="{{encoded}}">
            </form>
            <script>
              const body = {{System.Text.Json.JsonSerializer.Serialize(json)}};
              const simple = fetch('{{service}}/graphql', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body }).catch(() => null);
              const json = fetch('{{service}}/graphql', { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body }).catch(() => null);
              Promise.all([simple, json]).then(() => document.getElementById('attack').submit());
            </script>
            </body></html>
            """;
    }
}
