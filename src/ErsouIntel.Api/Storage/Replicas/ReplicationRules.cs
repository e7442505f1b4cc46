using System.Globalization;
using System.Text.RegularExpressions;

namespace ErsouIntel.Api.Storage.Replicas;

/// <summary>
/// The replica rules, pure: which standby may serve a read, whether the primary can take a write now, and how far a
/// standby has caught up. Times are <see cref="TimeProvider"/> timestamps; lags are in the same ticks.
/// </summary>
public static partial class ReplicationRules
{
    /// <summary>Why a write cannot be taken now, or null when it can.</summary>
    public static string? WhyNoWrites(ReplicationView view) =>
        !view.PrimaryReachable ? "no primary answers"
        // A commit would wait, unanswered, until enough synchronous standbys stream again (PostgreSQL holds it): refused
        // at once instead, so force systems resend later rather than hang. Unknown (no pg_monitor): let it through.
        : view.SynchronousStreaming is { } streaming && streaming < view.SynchronousNeeded ? "too few synchronous standbys stream"
        : null;

    /// <summary>
    /// How many synchronous standbys a commit waits for, from <c>synchronous_standby_names</c>: <c>FIRST n (...)</c>,
    /// <c>ANY n (...)</c> and <c>n (...)</c> wait for n; a bare list (or <c>*</c>) for one; empty for none.
    /// </summary>
    public static int SynchronousNeeded(string? synchronousStandbyNames)
    {
        var names = synchronousStandbyNames?.Trim() ?? "";
        if (names.Length == 0)
        {
            return 0;
        }

        var counted = CountedList().Match(names);
        return counted.Success ? int.Parse(counted.Groups["n"].Value, CultureInfo.InvariantCulture) : 1;
    }

    /// <summary>Whether a standby may serve reads: it answers, and what it shows is no older than <paramref name="maxLag"/>.</summary>
    public static bool Readable(StandbyView standby, long now, long maxLag) =>
        standby.Reachable && standby.CaughtUpAt is { } caughtUp && now - caughtUp <= maxLag;

    /// <summary>
    /// The standby an operation reads from, or null for the primary: one that is readable and, when the caller wrote at
    /// <paramref name="callerWroteAt"/>, has replayed everything the primary held at that moment (read-your-writes).
    /// <paramref name="turn"/> spreads operations over the standbys that qualify.
    /// </summary>
    public static string? ChooseStandby(ReplicationView view, long now, long maxLag, long? callerWroteAt, uint turn)
    {
        var fit = view.Standbys
            .Where(s => Readable(s, now, maxLag) && (callerWroteAt is not { } wrote || s.CaughtUpAt >= wrote))
            .ToList();
        return fit.Count == 0 ? null : fit[(int)(turn % (uint)fit.Count)].Host;
    }

    /// <summary>
    /// The latest primary sample a standby has replayed past: the moment its view was current as of. Samples are the
    /// primary's WAL position taken at a moment (read just after it), oldest first.
    /// </summary>
    public static long? CaughtUpAt(IReadOnlyList<(long At, long Lsn)> primarySamples, long replayLsn, long? before)
    {
        var caughtUp = before;
        foreach (var (at, lsn) in primarySamples)
        {
            if (lsn <= replayLsn && (caughtUp is null || at > caughtUp))
            {
                caughtUp = at;
            }
        }

        return caughtUp;
    }

    /// <summary>Whether a probe failed only by running out of time (the host answered the connection, or was slow to).</summary>
    public static bool OnlyTimedOut(Exception e) =>
        e is TimeoutException || e.InnerException is TimeoutException
        || e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.QueryCanceled };

    [GeneratedRegex(@"^(?:(?:FIRST|ANY)\s+)?(?<n>\d+)\s*\(", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CountedList();
}
