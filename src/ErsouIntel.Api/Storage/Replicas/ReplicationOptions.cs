namespace ErsouIntel.Api.Storage.Replicas;

/// <summary>
/// Section <c>Replication</c>. Nothing here needs setting for the common case: standbys are the hosts of
/// <c>ConnectionStrings:Postgres</c> found in recovery.
/// </summary>
public sealed class ReplicationOptions
{
    public const string Section = "Replication";

    /// <summary>How often each host is asked where it stands.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A standby whose view is older than this serves no reads until it catches up; the primary takes them.</summary>
    public TimeSpan MaxReadLag { get; set; } = TimeSpan.FromSeconds(5);
}
