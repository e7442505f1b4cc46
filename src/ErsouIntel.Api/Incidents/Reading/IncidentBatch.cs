using ErsouIntel.Api.Access;
using GraphQL.DataLoader;

namespace ErsouIntel.Api.Incidents.Reading;

/// <summary>
/// Batches the <c>incidents</c> lists of many couriers or suspects in one answer into one query:
/// each resolver asks for its ids and gets a deferred result; graphql-dotnet resolves deferred
/// results after the rest of the level, and the first one to run reads every id asked for. One
/// per request (scoped), one pending set per viewer. The GraphQL.DataLoader package is not served
/// here; this is the part of it we need (the engine's <see cref="IDataLoaderResult{T}"/>).
/// </summary>
public sealed class IncidentBatch(IncidentQueries queries)
{
    private readonly Dictionary<Viewer, Pending> byViewer = [];

    public IDataLoaderResult<IReadOnlyList<IncidentRow>> Load(Viewer viewer, IReadOnlyList<Guid> ids)
    {
        // Queries may resolve fields in parallel: the sets are guarded.
        lock (byViewer)
        {
            if (!byViewer.TryGetValue(viewer, out var pending))
            {
                byViewer[viewer] = pending = new Pending(queries, viewer);
            }

            pending.Add(ids);
            return new Result(pending, ids);
        }
    }

    private sealed class Pending(IncidentQueries queries, Viewer viewer)
    {
        private readonly HashSet<Guid> asked = [];
        private readonly Dictionary<Guid, Task<IReadOnlyList<IncidentRow>>> reads = [];

        public void Add(IEnumerable<Guid> ids)
        {
            lock (asked)
            {
                asked.UnionWith(ids.Where(id => !reads.ContainsKey(id)));
            }
        }

        public async Task<IReadOnlyList<IncidentRow>> RowsAsync(IReadOnlyList<Guid> ids, CancellationToken cancellation)
        {
            List<Task<IReadOnlyList<IncidentRow>>> mine;
            lock (asked)
            {
                if (ids.Any(asked.Contains))
                {
                    // Every id asked for so far, in one query; only ids some field asked for, so the log
                    // names no record the answer does not hold.
                    var read = queries.ByIdsAsync(viewer, [.. asked], cancellation);
                    foreach (var id in asked)
                    {
                        reads[id] = read;
                    }

                    asked.Clear();
                }

                mine = ids.Select(id => reads.GetValueOrDefault(id)).OfType<Task<IReadOnlyList<IncidentRow>>>().Distinct().ToList();
            }

            var rows = (await Task.WhenAll(mine)).SelectMany(r => r).DistinctBy(r => r.Id).ToDictionary(r => r.Id);
            return ids.Where(rows.ContainsKey).Select(id => rows[id]).ToList();
        }
    }

    private sealed class Result(Pending pending, IReadOnlyList<Guid> ids) : IDataLoaderResult<IReadOnlyList<IncidentRow>>
    {
        public Task<IReadOnlyList<IncidentRow>> GetResultAsync(CancellationToken cancellationToken = default) => pending.RowsAsync(ids, cancellationToken);

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }
}
