using System.Text.Json;
using System.Text.Json.Nodes;
using ErsouIntel.Testing;

namespace ErsouIntel.Benchmark;

/// <summary>
/// Tokens the way real callers get them, so sign-in stays on for the whole run: client credentials
/// for each force system, and the authorization-code flow with PKCE through the login page for the
/// investigator, each kept until shortly before it expires. Development seeds the accounts (README:
/// <c>&lt;force&gt;-system</c> / <c>&lt;force&gt;-dev-secret</c>; <c>&lt;force&gt;.investigator</c> /
/// <c>ersou-dev-password</c>; the public client <c>ersou-tools</c>).
/// </summary>
internal sealed class Tokens(HttpClient http) : IDisposable
{
    public const string ToolsClientId = "ersou-tools";
    public const string ToolsRedirectUri = "http://127.0.0.1:5080/callback";
    public const string DevPassword = "ersou-dev-password";

    // Access tokens live 15 minutes by default: renew well before, so no request of a long phase meets a 401.
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(3);

    private readonly SignIn signIn = new(http);
    private readonly Dictionary<string, (string Token, DateTimeOffset Renew)> systems = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim gate = new(1, 1);
    private (string Token, string? Refresh, DateTimeOffset Renew)? investigator;
    private string? investigatorName;

    /// <summary>A force system's token (client credentials, scope <c>intel:write</c>).</summary>
    public async Task<string> SystemTokenAsync(string clientId, string forceName, CancellationToken cancellation)
    {
        await gate.WaitAsync(cancellation);
        try
        {
            if (systems.TryGetValue(clientId, out var held) && DateTimeOffset.UtcNow < held.Renew)
            {
                return held.Token;
            }

            var json = await Step(signIn.TokenAsync(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = forceName.ToLowerInvariant() + "-dev-secret",
                ["scope"] = "intel:write",
            }, cancellation));
            var token = json["access_token"]!.GetValue<string>();
            systems[clientId] = (token, RenewAt(json));
            return token;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The investigator's token: signed in once through the login page, then renewed with the refresh token.</summary>
    public async Task<string> InvestigatorTokenAsync(string username, CancellationToken cancellation)
    {
        await gate.WaitAsync(cancellation);
        try
        {
            if (investigator is { } held && investigatorName == username)
            {
                if (DateTimeOffset.UtcNow < held.Renew)
                {
                    return held.Token;
                }

                if (held.Refresh is not null)
                {
                    var refreshed = await Step(signIn.TokenAsync(new Dictionary<string, string>
                    {
                        ["grant_type"] = "refresh_token",
                        ["client_id"] = ToolsClientId,
                        ["refresh_token"] = held.Refresh,
                    }, cancellation));
                    investigator = Keep(refreshed, held.Refresh);
                    return investigator.Value.Token;
                }
            }

            var json = await Step(signIn.AuthorizationCodeAsync(ToolsClientId, ToolsRedirectUri, username, DevPassword, "openid offline_access intel:read", cancellation));
            investigatorName = username;
            investigator = Keep(json, null);
            return investigator.Value.Token;
        }
        finally
        {
            gate.Release();
        }
    }

    private static (string, string?, DateTimeOffset) Keep(JsonNode json, string? previousRefresh) =>
        (json["access_token"]!.GetValue<string>(),
         json["refresh_token"] is { } r ? r.GetValue<string>() : previousRefresh,
         RenewAt(json));

    private static DateTimeOffset RenewAt(JsonNode json)
    {
        var lifetime = json["expires_in"] is { } e && e.GetValueKind() == JsonValueKind.Number ? e.GetValue<int>() : 300;
        return DateTimeOffset.UtcNow + TimeSpan.FromSeconds(lifetime) - (lifetime > 600 ? RenewBefore : TimeSpan.FromSeconds(lifetime / 5));
    }

    /// <summary>A step of signing in that went wrong ends the run as a benchmark failure, with the step's own account of it.</summary>
    private static async Task<JsonNode> Step(Task<JsonNode> step)
    {
        try
        {
            return await step;
        }
        catch (InvalidOperationException e)
        {
            throw new BenchFailure(e.Message);
        }
    }

    public void Dispose() => gate.Dispose();
}
