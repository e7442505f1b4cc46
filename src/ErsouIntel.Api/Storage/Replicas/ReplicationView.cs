namespace ErsouIntel.Api.Storage.Replicas;

/// <summary>What the replica monitor saw in one round: the primary, and each standby's position and lag.</summary>
/// <param name="SynchronousNeeded">How many synchronous standbys a commit on the primary waits for (from <c>synchronous_standby_names</c>).</param>
/// <param name="SynchronousStreaming">How many standbys stream as <c>sync</c> or <c>quorum</c> now; null when the service's role may not see it (no <c>pg_monitor</c>).</param>
public sealed record ReplicationView(
    bool PrimaryReachable,
    int SynchronousNeeded,
    int? SynchronousStreaming,
    IReadOnlyList<StandbyView> Standbys)
{
    /// <summary>Before the first round: everything reads from and writes to the primary.</summary>
    public static readonly ReplicationView Unknown = new(true, 0, null, []);
}

/// <param name="CaughtUpAt">
/// The latest moment (a <see cref="TimeProvider"/> timestamp) such that the standby has replayed everything the primary
/// had written then; null when it has not been seen to catch up with anything yet. Its age is the standby's lag.
/// </param>
public sealed record StandbyView(string Host, bool Reachable, long? CaughtUpAt);
