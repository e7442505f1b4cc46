using ErsouIntel.Api.Tests.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>The service's clock, moved on by the test: the wall clock plus an offset.</summary>
public sealed class MovableClock : TimeProvider
{
    private TimeSpan offset;

    public void Advance(TimeSpan by) => offset += by;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}

/// <summary>A region whose clock the test moves.</summary>
public sealed class ClockedConsole : ConsoleRegion
{
    public MovableClock Clock { get; } = new();

    protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>A console session ends after 30 idle minutes, and 8 hours after sign-in however busy.</summary>
public sealed class ConsoleExpiryTests(ClockedConsole region) : IClassFixture<ClockedConsole>
{
    private const string Me = "query Me { me { subject } }";

    [Fact]
    public async Task Thirty_minutes_without_a_request_end_the_session()
    {
        using var browser = region.NewBrowser();
        await browser.SignInAsync("essex.investigator", RegionWithSignIn.Password);
        region.Clock.Advance(TimeSpan.FromMinutes(20));
        var within = (await browser.GraphQLAsync(Me)).Status;

        region.Clock.Advance(TimeSpan.FromMinutes(31));
        var after = (await browser.GraphQLAsync(Me)).Status;

        Assert.Equal(200, within);
        Assert.Equal(401, after);
    }

    [Fact]
    public async Task A_session_in_use_is_extended_but_ends_eight_hours_after_sign_in()
    {
        using var browser = region.NewBrowser();
        await browser.SignInAsync("herts.investigator", RegionWithSignIn.Password);
        var statuses = new List<int>();

        // A request every 25 minutes keeps it alive: 19 of them reach 7 h 55 min, the 20th is past 8 h.
        for (var i = 0; i < 20; i++)
        {
            region.Clock.Advance(TimeSpan.FromMinutes(25));
            statuses.Add((await browser.GraphQLAsync(Me)).Status);
        }

        Assert.Equal(Enumerable.Repeat(200, 19).Append(401), statuses);
        Assert.Equal(0, await region.SessionsOfAsync("herts.investigator"));
    }
}
