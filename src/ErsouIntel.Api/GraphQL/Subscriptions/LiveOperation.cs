using GraphQL;

namespace ErsouIntel.Api.GraphQL.Subscriptions;

/// <summary>One running subscription on a socket: ended by the client's <c>complete</c>, its own end, or the socket closing.</summary>
public sealed class LiveOperation : IDisposable
{
    private readonly CancellationTokenSource cancel;
    private IDisposable? subscription;

    public LiveOperation(string id, CancellationToken socketClosing)
    {
        Id = id;
        cancel = CancellationTokenSource.CreateLinkedTokenSource(socketClosing);
        Cancelled = cancel.Token;
    }

    public string Id { get; }

    public CancellationToken Cancelled { get; }

    /// <summary>Subscribes <paramref name="observer"/>; if the operation ended meanwhile, unsubscribes at once.</summary>
    public void Start(IObservable<ExecutionResult> events, IObserver<ExecutionResult> observer)
    {
        var started = events.Subscribe(observer);
        if (Interlocked.CompareExchange(ref subscription, started, null) is not null)
        {
            started.Dispose();
        }
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref subscription, Ended.Instance)?.Dispose();
        try
        {
            cancel.Cancel();
            // Disposing unhooks it from the socket's token, where a long-lived socket's completed operations would otherwise pile up.
            cancel.Dispose();
        }
        catch (ObjectDisposedException)
        {
            // Ended twice: by the client and by its own end at once.
        }
    }

    /// <summary>Marks an operation ended, so a subscription that starts afterwards is disposed at once.</summary>
    private sealed class Ended : IDisposable
    {
        public static readonly Ended Instance = new();

        public void Dispose()
        {
        }
    }
}
