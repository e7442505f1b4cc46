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
        // Each id's read, keyed by id once per read: a courier's list is a lookup per id, not a pass over the whole read.
        private readonly Dictionary<Guid, Task<Dictionary<Guid, IncidentRow>>> reads = [];

        public void Add(IEnumerable<Guid> ids)
        {
            lock (asked)
            {
                asked.UnionWith(ids.Where(id => !reads.ContainsKey(id)));
            }
        }

        public async Task<IReadOnlyList<IncidentRow>> RowsAsync(IReadOnlyList<Guid> ids, CancellationToken cancellation)
        {
            List<(Guid Id, Task<Dictionary<Guid, IncidentRow>> Read)> mine;
            lock (asked)
            {
                if (ids.Any(asked.Contains))
                {
                    // Every id asked for so far, in one query; only ids some field asked for, so the log
                    // names no record the answer does not hold.
                    var read = ReadAsync([.. asked], cancellation);
                    foreach (var id in asked)
                    {
                        reads[id] = read;
                    }

                    asked.Clear();
                }

                mine = [.. ids.Where(reads.ContainsKey).Select(id => (id, reads[id]))];
            }

            var rows = new List<IncidentRow>(mine.Count);
            foreach (var (id, read) in mine)
            {
                if ((await read).TryGetValue(id, out var row))
                {
                    rows.Add(row);
                }
            }

            return rows;
        }

        private async Task<Dictionary<Guid, IncidentRow>> ReadAsync(IReadOnlyList<Guid> ids, CancellationToken cancellation) =>
            (await queries.ByIdsAsync(viewer, ids, cancellation)).DistinctBy(r => r.Id).ToDictionary(r => r.Id);
    }

    private sealed class Result(Pending pending, IReadOnlyList<Guid> ids) : IDataLoaderResult<IReadOnlyList<IncidentRow>>
    {
        public Task<IReadOnlyList<IncidentRow>> GetResultAsync(CancellationToken cancellationToken = default) => pending.RowsAsync(ids, cancellationToken);

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }
}
