namespace ErsouIntel.Api.Links;

/// <summary>Where the link graph is applied: in the push's own transaction, or by the async daemon.</summary>
public enum LinkGraphApply
{
    /// <summary>In the transaction that appends the events: an acknowledged push is already linked and matched.</summary>
    Inline,

    /// <summary>
    /// By Marten's async daemon in HotCold mode: one instance at a time holds the projection's
    /// advisory lock and applies the events after they commit; another takes over when it dies.
    /// </summary>
    Daemon,
}

/// <summary>Settings <c>LinkGraph:Apply</c> and <c>LinkGraph:LeadershipPolling</c> (docs/operations.md, "Several instances").</summary>
public sealed class LinkGraphApplyOptions
{
    public LinkGraphApply Apply { get; set; } = LinkGraphApply.Inline;

    /// <summary>How often an instance without the daemon's lock tries to take it: the longest a dead leader's work waits.</summary>
    public TimeSpan LeadershipPolling { get; set; } = TimeSpan.FromSeconds(5);

    public static LinkGraphApplyOptions From(IConfiguration configuration) =>
        configuration.GetSection(LinkGraphOptions.Section).Get<LinkGraphApplyOptions>() ?? new LinkGraphApplyOptions();
}
