using ErsouIntel.LoadClient;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>
/// Batches per force drawn lazily from one generator stream, so a window of unknown length needs no list made in
/// advance: a force that asks takes the stream on until it has a batch, leaving the other forces' incidents for them.
/// </summary>
internal sealed class IncidentFeed(IEnumerable<GeneratedIncident> stream, int batchSize) : IDisposable
{
    private readonly IEnumerator<GeneratedIncident> source = stream.GetEnumerator();
    private readonly Dictionary<ForceSpec, Queue<IncidentInput>> waiting = IncidentGenerator.Forces.ToDictionary(f => f, _ => new Queue<IncidentInput>());

    public int BatchSize => batchSize;

    public List<IncidentInput> Next(ForceSpec force)
    {
        lock (waiting)
        {
            var mine = waiting[force];
            while (mine.Count < batchSize && source.MoveNext())
            {
                waiting[source.Current.Force].Enqueue(source.Current.Input);
            }

            var batch = new List<IncidentInput>(Math.Min(batchSize, mine.Count));
            while (batch.Count < batchSize && mine.TryDequeue(out var input))
            {
                batch.Add(input);
            }

            return batch;
        }
    }

    public void Dispose() => source.Dispose();
}
