using ErsouIntel.Api.Tests.WebConsole.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>
/// The backend-for-frontend's promise, checked from inside the page: the session is a cookie the page's
/// script cannot read, and no access or refresh token is anywhere the script can reach.
/// </summary>
public sealed class NoTokenInThePageTests(ConsoleFixture console) : ConsoleTest(console), IClassFixture<ConsoleFixture>
{
    [Fact]
    public async Task A_signed_in_page_can_read_no_session_cookie_and_holds_no_token_in_its_storage()
    {
        await SignInAsync("essex.investigator");
        await StartWorkAsync("Investigation", "Operation DOORSTEP, token check");
        var search = Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search", Exact = true });
        await search.FillAsync("07700 900500");
        await search.PressAsync("Enter");
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "+447700900500", Exact = true })).ToBeVisibleAsync();

        var seen = await Page.EvaluateAsync<Dictionary<string, string>>(
            "() => ({ cookie: document.cookie, local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }) })");
        var reachable = string.Join('\n', seen.Values);

        // The browser holds a session: HttpOnly, SameSite, and not one byte of it visible to the script.
        var cookies = await Context.CookiesAsync();
        var session = cookies.Where(c => c.HttpOnly).ToList();
        Assert.NotEmpty(session);
        Assert.All(cookies, c => Assert.True(c.HttpOnly, $"cookie {c.Name} is readable by the page's script"));
        Assert.All(session, c => Assert.True(c.SameSite is SameSiteAttribute.Strict or SameSiteAttribute.Lax, $"cookie {c.Name} is SameSite={c.SameSite}"));
        foreach (var cookie in session)
        {
            Assert.DoesNotContain(cookie.Name, seen["cookie"], StringComparison.Ordinal);
            Assert.DoesNotContain(cookie.Value, reachable, StringComparison.Ordinal);
        }

        // Nothing shaped like a token: a JWT starts "eyJ"; OAuth's names for tokens.
        foreach (var token in new[] { "eyJ", "access_token", "refresh_token", "id_token", "Bearer" })
        {
            Assert.DoesNotContain(token, reachable, StringComparison.OrdinalIgnoreCase);
        }
    }
}
