using System.Security.Claims;
using ErsouIntel.Api.Identity;
using Microsoft.AspNetCore.Authentication;

namespace ErsouIntel.Api.GraphQL.Subscriptions;

/// <summary>
/// Who holds a live socket or stream, and what ends them: their token's expiry (a timer, no query),
/// and, found by <see cref="LiveCallerCheck"/>, their token revoked, their account disabled or their
/// console session ended. <see cref="Ended"/> fires for whichever comes first.
/// </summary>
public sealed class LiveCaller : IDisposable
{
    /// <summary>Where OpenIddict names the token entry an access token was issued under.</summary>
    private const string TokenIdClaim = "oi_tkn_id";

    private readonly CancellationTokenSource ended;

    private LiveCaller(ClaimsPrincipal principal, Caller caller, string? tokenId, string? sessionKeyHash, DateTimeOffset? expiresAt, TimeProvider clock)
    {
        Principal = principal;
        Caller = caller;
        TokenId = tokenId;
        SessionKeyHash = sessionKeyHash;
        var left = expiresAt is { } at ? at - clock.GetUtcNow() : Timeout.InfiniteTimeSpan;
        ended = left == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, clock);
    }

    public ClaimsPrincipal Principal { get; }

    public Caller Caller { get; }

    /// <summary>The token server's entry for the access token (our own tokens only): revoked when the person or client is disabled.</summary>
    public string? TokenId { get; }

    /// <summary>The console session's stored key hash, when the caller came with the console's cookie.</summary>
    public string? SessionKeyHash { get; }

    public CancellationToken Ended => ended.Token;

    /// <summary>
    /// The caller behind a successful authentication, or null. A token ends at its expiry; a console
    /// session has none of its own here (it slides) and ends when its row goes or lapses.
    /// </summary>
    public static LiveCaller? From(AuthenticateResult? result, string? sessionKeyHash, TimeProvider clock)
    {
        if (result is not { Succeeded: true, Principal: { } principal } || Caller.From(principal) is not { } caller)
        {
            return null;
        }

        var expiresAt = sessionKeyHash is null ? result.Properties?.ExpiresUtc : null;
        return new LiveCaller(principal, caller, principal.FindFirst(TokenIdClaim)?.Value, sessionKeyHash, expiresAt, clock);
    }

    public void End()
    {
        try
        {
            ended.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The socket or stream closed meanwhile.
        }
    }

    public void Dispose() => ended.Dispose();
}
