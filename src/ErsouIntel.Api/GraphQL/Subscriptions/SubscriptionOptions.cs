namespace ErsouIntel.Api.GraphQL.Subscriptions;

/// <summary>Section <c>Subscriptions</c>: the live transports' timings and bounds.</summary>
public sealed class SubscriptionOptions
{
    public const string Section = "Subscriptions";

    /// <summary>How long a WebSocket may stay open without <c>connection_init</c> (graphql-ws's own default): then 4408.</summary>
    public TimeSpan ConnectionInitWaitTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often the server sends a protocol <c>ping</c> on a socket, and an SSE comment on a stream, so proxies keep them open.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(12);

    /// <summary>How often one batched query looks for revoked tokens, disabled people and ended console sessions among every live caller.</summary>
    public TimeSpan RevalidateEvery { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most operations one socket may run at once.</summary>
    public int MaxOperationsPerConnection { get; set; } = 100;

    /// <summary>Messages waiting to be sent on one socket or stream before its reader is judged too slow and dropped.</summary>
    public int MaxPendingMessages { get; set; } = 1000;
}
