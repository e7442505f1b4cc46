using ErsouIntel.Api.Access;
using GraphQL;
using GraphQL.DataLoader;

namespace ErsouIntel.Api.GraphQL;

/// <summary>Reads the lists of many parents at once: each key's values, in each key's order; a key with none may be absent.</summary>
public delegate Task<ILookup<TKey, TValue>> BatchFetch<TKey, TValue>(IServiceProvider services, Viewer viewer, IReadOnlyList<TKey> keys, CancellationToken cancellation);

/// <summary>
/// One nested list field, read for every parent of a level in one query instead of one query per
/// parent. A resolver hands over its parent's keys and gets a deferred result; graphql-dotnet
/// completes deferred results after the rest of the level, and the first one awaited fetches
/// every key asked since the last fetch. Declared once per field (a static instance); the
/// pending keys live per request and per viewer in <see cref="RequestBatches"/>, so a fetch
/// reads, and notes on the access scope, only records some field of that viewer asked for.
/// </summary>
public sealed class BatchLoader<TKey, TValue>(BatchFetch<TKey, TValue> fetch)
    where TKey : notnull
{
    /// <summary>The values of <paramref name="keys"/>, key after key, read for the viewer of the field's parent.</summary>
    public IDataLoaderResult<IReadOnlyList<TValue>> Load(IResolveFieldContext context, IReadOnlyList<TKey> keys) =>
        context.RequestServices!.GetRequiredService<RequestBatches>().For(this, Viewer.Of(context)).Load(keys);

    public IDataLoaderResult<IReadOnlyList<TValue>> Load(IResolveFieldContext context, TKey key) => Load(context, [key]);

    /// <summary>A single-valued field read with the rest of its level: the first value of <paramref name="key"/>, or null when it has none.</summary>
    public IDataLoaderResult<TValue?> LoadFirst(IResolveFieldContext context, TKey key) => new First(Load(context, key));

    private sealed class First(IDataLoaderResult<IReadOnlyList<TValue>> values) : IDataLoaderResult<TValue?>
    {
        public async Task<TValue?> GetResultAsync(CancellationToken cancellationToken = default) =>
            (await values.GetResultAsync(cancellationToken)) is [var first, ..] ? first : default;

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }

    internal Batch Start(IServiceProvider services, Viewer viewer) => new(fetch, services, viewer);

    /// <summary>
    /// The keys asked for one viewer since the last fetch. Execution is serial
    /// (<see cref="global::GraphQL.Execution.SerialExecutionStrategy"/> for queries, <see cref="MutationExecutionStrategy"/> for mutations), so nothing here needs a lock.
    /// </summary>
    internal sealed class Batch(BatchFetch<TKey, TValue> fetch, IServiceProvider services, Viewer viewer)
    {
        private Round current = new();

        public IDataLoaderResult<IReadOnlyList<TValue>> Load(IReadOnlyList<TKey> keys)
        {
            current.Keys.UnionWith(keys);
            return new Result(this, current, keys);
        }

        private Task<ILookup<TKey, TValue>> Fetch(Round round, CancellationToken cancellation)
        {
            if (round.Read is null)
            {
                round.Read = fetch(services, viewer, [.. round.Keys], cancellation);
                // Keys asked from now on (the next level) are read afresh, never from an earlier read:
                // a mutation between the two may have changed them.
                if (ReferenceEquals(round, current))
                {
                    current = new Round();
                }
            }

            return round.Read;
        }

        private sealed class Round
        {
            public HashSet<TKey> Keys { get; } = [];

            public Task<ILookup<TKey, TValue>>? Read { get; set; }
        }

        private sealed class Result(Batch batch, Round round, IReadOnlyList<TKey> keys) : IDataLoaderResult<IReadOnlyList<TValue>>
        {
            public async Task<IReadOnlyList<TValue>> GetResultAsync(CancellationToken cancellationToken = default)
            {
                var read = await batch.Fetch(round, cancellationToken);
                return [.. keys.SelectMany(key => read[key])];
            }

            async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
        }
    }
}

/// <summary>The batches of one request (scoped), one per loader and viewer: two access scopes in one request never share a read.</summary>
public sealed class RequestBatches(IServiceProvider services)
{
    private readonly Dictionary<(object Loader, Viewer Viewer), object> batches = [];

    internal BatchLoader<TKey, TValue>.Batch For<TKey, TValue>(BatchLoader<TKey, TValue> loader, Viewer viewer)
        where TKey : notnull
    {
        if (!batches.TryGetValue((loader, viewer), out var batch))
        {
            batches[(loader, viewer)] = batch = loader.Start(services, viewer);
        }

        return (BatchLoader<TKey, TValue>.Batch)batch;
    }
}
