using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Api.Tests.WebConsole.Browser;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>The service with a note of requests from other origins, so the test can see its attacks arrive.</summary>
public sealed class CrossSiteFixture : ConsoleFixture
{
    public ArrivalLog Log { get; } = new();

    protected override void ConfigureTestServices(IServiceCollection services) => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(Log);
}

/// <summary>
/// A signed-in investigator opens a page of another origin whose script tries to open a case with their
/// session: from another site (<c>localhost</c>, where the SameSite cookie is not sent) and from another
/// port of the same site (<c>127.0.0.1</c>, where it is sent). What a page may send to another origin
/// without a CORS preflight (a form, a no-cors fetch) is never JSON, which the endpoint alone takes, and
/// carries no anti-forgery header; a JSON fetch needs a preflight the service does not grant. Neither
/// origin creates anything, and the access log gains nothing for them.
/// </summary>
public sealed class CrossSiteRequestTests(CrossSiteFixture console) : ConsoleTest(console), IClassFixture<CrossSiteFixture>
{
    private const string Victim = "essex.investigator";

    [Theory]
    [InlineData("localhost", false)]
    [InlineData("127.0.0.1", true)]
    public async Task A_page_of_another_origin_cannot_open_a_case_with_the_investigators_session(string host, bool sameSite)
    {
        await SignInAsync(Victim);
        var reference = $"XSITE-{host.Replace('.', '-')}-{DateTime.UtcNow:HHmmssfff}";
        const string Justification = "Opened by a script of another site";
        var entriesBefore = await EntriesOfAsync(Victim);

        await using var attacker = await AnotherSite.StartAsync(console.BaseUrl, reference, Justification);
        var origin = $"http://{host}:{attacker.Port}";
        var page = await Context.NewPageAsync();
        await page.GotoAsync(origin + "/");
        // The simple fetch and then the form post reach the service; waited for as the service notes them answered,
        // not by the page's navigation to the answer (Chromium may show its own error page for it instead).
        var arrived = await AnsweredAttacksAsync(origin, atLeast: 2);

        // The attacks were sent: the simple fetch and the form, at least, reached the service.
        Assert.True(arrived.Count >= 2, $"the attacker's requests did not reach the service: {string.Join("; ", console.Log.Arrivals)}");
        // Same site: the browser sent the session cookie, so only the anti-forgery proof refused it.
        Assert.All(arrived, a => Assert.Equal(sameSite, a.WithSessionCookie));

        Assert.Empty(await TestPostgres.RowsAsync(console.ConnectionString, $"select id from ersou.li_cases where reference = '{reference}'"));
        Assert.Empty(await TestPostgres.RowsAsync(console.ConnectionString, $"select sequence from ersou.access_log where justification = '{Justification}'"));
        Assert.Equal(entriesBefore, await EntriesOfAsync(Victim));
        await Expect(Button("Sign out")).ToBeVisibleAsync();
    }

    private async Task<List<Arrival>> AnsweredAttacksAsync(string origin, int atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var arrived = console.Log.Arrivals.Where(a => a.Origin == origin && a.Method == "POST" && a.Path == "/graphql").ToList();
            if (arrived.Count >= atLeast || DateTime.UtcNow > deadline)
            {
                return arrived;
            }

            await Task.Delay(100);
        }
    }

    private async Task<string> EntriesOfAsync(string subject) =>
        (await TestPostgres.RowsAsync(console.ConnectionString, $"select count(*) from ersou.access_log where subject = '{subject}'")).Single();
}
