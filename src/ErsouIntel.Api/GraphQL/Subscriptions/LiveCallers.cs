using System.Collections.Concurrent;

namespace ErsouIntel.Api.GraphQL.Subscriptions;

/// <summary>Every live socket's and stream's caller on this instance, for <see cref="LiveCallerCheck"/> to look over in one query.</summary>
public sealed class LiveCallers
{
    private readonly ConcurrentDictionary<LiveCaller, byte> live = new();

    public int Count => live.Count;

    /// <summary>Watches <paramref name="caller"/> until the returned handle is disposed.</summary>
    public IDisposable Add(LiveCaller caller)
    {
        live.TryAdd(caller, 0);
        return new Registration(this, caller);
    }

    public IReadOnlyCollection<LiveCaller> Snapshot() => live.Keys.ToList();

    private sealed class Registration(LiveCallers owner, LiveCaller caller) : IDisposable
    {
        public void Dispose() => owner.live.TryRemove(caller, out _);
    }
}
