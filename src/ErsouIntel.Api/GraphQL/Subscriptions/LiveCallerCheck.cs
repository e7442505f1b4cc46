using ErsouIntel.Api.Identity;
using ErsouIntel.Api.Storage;
using ErsouIntel.Api.WebConsole;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ErsouIntel.Api.GraphQL.Subscriptions;

/// <summary>
/// Ends the subscriptions of a token revoked, a person disabled or a console session ended (signed
/// out, or lapsed): every <see cref="SubscriptionOptions.RevalidateEvery"/>, one query per instance
/// over all its live callers at once, never one per connection. A token's expiry needs no query:
/// each <see cref="LiveCaller"/> has a timer at its <c>exp</c>.
/// </summary>
public sealed partial class LiveCallerCheck(LiveCallers callers, NpgsqlDataSource db, TimeProvider clock, IOptions<SubscriptionOptions> options, ILogger<LiveCallerCheck> logger) : BackgroundService
{
    // Person tokens and sessions name the username as subject; a force's provider's callers
    // (subject@issuer) match no row, and their tokens have no entry: they end at expiry only.
    private static readonly string Query = $"""
        select 'subject', u."Username" from {IdentityStore.Schema}.users u where u."Disabled" and u."Username" = any($1)
        union all
        select 'token', t."Id" from {IdentityStore.Schema}."OpenIddictTokens" t where t."Id" = any($2) and t."Status" is distinct from 'valid'
        union all
        select 'session', h from unnest($3::text[]) h
          where not exists (select 1 from {EventStore.Schema}.{ConsoleSessionStore.Table} s where s.key_hash = h and s.expires_at > $4)
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RevalidateEvery, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Fail open until the next tick: expiry still ends every token on time.
                LogCheckFailed(logger, e);
            }
        }
    }

    /// <summary>One look at every live caller; ends those no longer allowed.</summary>
    public async Task CheckAsync(CancellationToken cancellation)
    {
        var live = callers.Snapshot();
        if (live.Count == 0)
        {
            return;
        }

        await using var command = db.CreateCommand(Query);
        command.Parameters.AddWithValue(live.Select(c => c.Caller.Subject).Distinct().ToArray());
        command.Parameters.AddWithValue(live.Select(c => c.TokenId).OfType<string>().Distinct().ToArray());
        command.Parameters.AddWithValue(live.Select(c => c.SessionKeyHash).OfType<string>().Distinct().ToArray());
        command.Parameters.AddWithValue(clock.GetUtcNow());
        var ended = new HashSet<(string, string)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                ended.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var caller in live)
        {
            if (ended.Contains(("subject", caller.Caller.Subject))
                || (caller.TokenId is { } token && ended.Contains(("token", token)))
                || (caller.SessionKeyHash is { } session && ended.Contains(("session", session))))
            {
                caller.End();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check live subscribers for revoked tokens, disabled people and ended sessions; trying again at the next tick")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
