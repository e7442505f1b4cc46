using System.Globalization;
using System.Security.Claims;
using ErsouIntel.Api.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace ErsouIntel.Api.WebConsole;

/// <summary>
/// Who a console session speaks for: the very claims a token for that person would carry (built by
/// the token endpoint's own <c>ForUser</c>, scope = the user's role's), so <see cref="Caller.From"/>
/// and everything after it cannot tell a console request from a token's.
/// </summary>
public static class ConsolePrincipal
{
    /// <summary>When the session began (the absolute limit counts from here; sliding renewals do not move it).</summary>
    private const string SignedInAt = "ersou.signed-in";

    /// <summary>Set for a session a force's provider signed in: its person is not one of our users.</summary>
    public const string ProviderItem = "ersou.provider";

    public static ClaimsPrincipal For(UserAccount user)
    {
        var claims = TokenEndpoints.ForUser(user, [user.Scope], clientId: null).Claims;
        return new ClaimsPrincipal(new ClaimsIdentity(claims, ConsoleCookie.Scheme, Caller.SubjectClaim, Caller.RoleClaim));
    }

    public static AuthenticationProperties NewSession(TimeProvider clock) =>
        new(new Dictionary<string, string?> { [SignedInAt] = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) }) { IsPersistent = false };

    /// <summary>Marks a session started by a force's provider (its sign-in properties, before the cookie is written).</summary>
    public static void StartedBy(AuthenticationProperties properties, string provider, TimeProvider clock)
    {
        properties.Items[SignedInAt] = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        properties.Items[ProviderItem] = provider;
        properties.IsPersistent = false;
    }

    /// <summary>
    /// On every request: past the absolute limit, or a user disabled (or gone) since, and the session ends
    /// here, its row deleted; otherwise the claims are rebuilt from the account as it is now.
    /// </summary>
    public static async Task RevalidateAsync(CookieValidatePrincipalContext context)
    {
        var clock = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        var started = context.Properties.Items.TryGetValue(SignedInAt, out var at) && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var when)
            ? when
            : DateTimeOffset.MinValue;
        if (clock.GetUtcNow() - started > ConsoleCookie.AbsoluteTimeout)
        {
            await EndAsync(context);
            return;
        }

        // A force provider's person is vouched for by that provider at sign-in, within the absolute limit.
        if (context.Properties.Items.ContainsKey(ProviderItem))
        {
            return;
        }

        var users = context.HttpContext.RequestServices.GetRequiredService<UserAccounts>();
        var user = await users.FindActiveAsync(context.Principal?.FindFirst(Caller.SubjectClaim)?.Value, context.HttpContext.RequestAborted);
        if (user is null)
        {
            await EndAsync(context);
            return;
        }

        context.ReplacePrincipal(For(user));
    }

    /// <summary>
    /// Ends the session from inside the cookie handler's own authentication: its row and its cookie go
    /// directly (a sign-out from here would wait on the very authentication it is part of).
    /// </summary>
    private static async Task EndAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        var http = context.HttpContext;
        await http.RequestServices.GetRequiredService<ConsoleSessionStore>().RemoveCurrentAsync(http);
        context.Options.CookieManager.DeleteCookie(http, context.Options.Cookie.Name!, context.Options.Cookie.Build(http));
    }
}
