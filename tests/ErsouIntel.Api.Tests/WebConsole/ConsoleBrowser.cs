using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>
/// The console page's side of the BFF, as a browser does it: cookies kept by name (set, replaced, deleted
/// by Set-Cookie; sent back whatever their Secure flag, as a browser does for a loopback host, which .NET's
/// CookieContainer does not), and the anti-forgery token the session JSON hands out sent as a header.
/// </summary>
public sealed class ConsoleBrowser(Uri baseAddress) : IDisposable
{
    private readonly HttpClient http = new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = baseAddress };

    /// <summary>The cookies as the browser holds them: name to value.</summary>
    public Dictionary<string, string> Cookies { get; } = new(StringComparer.Ordinal);

    /// <summary>Every Set-Cookie header received, in order.</summary>
    public List<string> SetCookies { get; } = [];

    /// <summary>Every response body received, to look for tokens the page must never get.</summary>
    public List<string> Bodies { get; } = [];

    /// <summary>The token from the last session JSON; null to send none.</summary>
    public string? Antiforgery { get; set; }

    public async Task<(int Status, JsonNode? Json)> SessionAsync()
    {
        var (status, json) = await SendAsync(HttpMethod.Get, "/console/session");
        Antiforgery = json?["antiforgery"]?.GetValue<string>() ?? Antiforgery;
        return (status, json);
    }

    public async Task<(int Status, JsonNode? Json)> SignInAsync(string username, string password)
    {
        if (Antiforgery is null)
        {
            await SessionAsync();
        }

        var (status, json) = await SendAsync(HttpMethod.Post, "/console/session", new { username, password });
        if (status == 200)
        {
            Antiforgery = json!["antiforgery"]!.GetValue<string>();
        }

        return (status, json);
    }

    public async Task<int> SignOutAsync() => (await SendAsync(HttpMethod.Post, "/console/sign-out")).Status;

    public Task<(int Status, JsonNode? Json)> GraphQLAsync(string query, object? variables = null) =>
        SendAsync(HttpMethod.Post, "/graphql", new { query, variables });

    public Task<(int Status, JsonNode? Json)> ExportAsync(object body) => SendAsync(HttpMethod.Post, "/console/exports", body);

    public async Task<(int Status, JsonNode? Json)> SendAsync(HttpMethod method, string path, object? body = null, Action<HttpRequestMessage>? adjust = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        if (Antiforgery is not null)
        {
            request.Headers.Add("X-Ersou-Antiforgery", Antiforgery);
        }

        if (Cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        adjust?.Invoke(request);
        using var response = await http.SendAsync(request);
        Keep(response);
        var text = await response.Content.ReadAsStringAsync();
        Bodies.Add(text);
        return ((int)response.StatusCode, text.TrimStart().StartsWith('{') ? JsonNode.Parse(text) : null);
    }

    private void Keep(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            return;
        }

        foreach (var header in values)
        {
            SetCookies.Add(header);
            var pair = header.Split(';')[0];
            var name = pair[..pair.IndexOf('=')];
            var value = pair[(pair.IndexOf('=') + 1)..];
            var expired = header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase);
            if (expired || value.Length == 0)
            {
                Cookies.Remove(name);
            }
            else
            {
                Cookies[name] = value;
            }
        }
    }

    public void Dispose() => http.Dispose();
}
