using ErsouIntel.Api.Tests.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace ErsouIntel.Api.Tests.Subscriptions;

/// <summary>
/// A region with real users and tokens (<see cref="RegionWithSignIn"/>) whose schema also serves the
/// test-only <see cref="TestTicks"/> subscription, with the live transports' timings shortened so the
/// tests see an init timeout, keep-alive pings and the re-check of live callers within seconds.
/// </summary>
public class LiveRegion : RegionWithSignIn
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Subscriptions:ConnectionInitWaitTimeout"] = "00:00:01",
        ["Subscriptions:KeepAliveInterval"] = "00:00:01",
        ["Subscriptions:RevalidateEvery"] = "00:00:01",
    };

    protected override void ConfigureTestServices(IServiceCollection services) => TestTicks.Register(services);

    public Uri WebSocketUri => new(Http.BaseAddress!.ToString().Replace("http://", "ws://", StringComparison.Ordinal) + "graphql");

    public async Task<string> InvestigatorTokenAsync(string username = "essex.investigator") =>
        (await AuthorizationCodeAsync(username, "intel:read"))["access_token"]!.GetValue<string>();

    public static string Ticks(int count, int everyMs) => $"subscription Ticks {{ {TestTicks.Field}(count: {count}, everyMs: {everyMs}) }}";
}

/// <summary>As <see cref="LiveRegion"/>, with access tokens that live a few seconds: a subscription must end when its token does.</summary>
public sealed class ShortTokenRegion : LiveRegion
{
    // Long enough that a client started under the full suite's load (node loading graphql-ws took over 6 s in one CI
    // run) is connected before the token runs out; short enough to wait for.
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(10);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Identity:AccessTokenLifetime"] = TokenLifetime.ToString(),
    };
}
