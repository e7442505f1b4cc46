using System.Net;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Protection;

/// <summary>A service with tight limits and one allowed origin.</summary>
public sealed class TightlyLimitedService : ServiceFixture
{
    public const string AllowedOrigin = "https://tools.ersou.example";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimits:RequestsPerWindow"] = "3",
        ["RateLimits:SignInsPerWindow"] = "2",
        ["RateLimits:Window"] = "00:01:00",
        ["Cors:AllowedOrigins:0"] = AllowedOrigin,
    };
}

public sealed class AbuseProtectionTests(TightlyLimitedService service) : IClassFixture<TightlyLimitedService>
{
    private const string Me = "{ me { subject } }";

    [Fact]
    public async Task A_caller_over_the_limit_gets_429_with_Retry_After_and_others_are_not_held_up()
    {
        var greedy = TestCaller.Investigator(Force.Essex, "greedy.investigator");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await service.PostAsAsync(greedy, Me)).Status);
        }

        var refused = await service.PostAsAsync(greedy, Me);
        var other = await service.PostAsAsync(TestCaller.Investigator(Force.Essex, "patient.investigator"), Me);

        Assert.Equal(429, refused.Status);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, refused.ToString());
        Assert.Equal("RATE_LIMITED", refused.FirstErrorCode);
        Assert.Equal(200, other.Status);
    }

    [Fact]
    public async Task Repeated_token_requests_for_one_client_are_limited()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await service.Http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = "guessing-client",
                ["client_secret"] = "guess number " + i,
            }));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task Every_answer_carries_the_security_headers()
    {
        using var response = await service.Http.GetAsync("/health/live");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TightlyLimitedService.AllowedOrigin, true)]
    [InlineData("https://evil.example", false)]
    public async Task CORS_answers_only_configured_origins(string origin, bool allowed)
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/graphql");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");

        using var response = await service.Http.SendAsync(preflight);

        Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin);
    }
}

/// <summary>No origins configured: CORS stays closed.</summary>
public sealed class ClosedCorsTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Without_configured_origins_no_browser_origin_is_allowed()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/graphql");
        preflight.Headers.Add("Origin", "https://tools.ersou.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");

        using var response = await service.Http.SendAsync(preflight);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
