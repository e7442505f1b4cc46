namespace ErsouIntel.Benchmark;

/// <summary>Latencies in milliseconds, summarised: count, mean, p50/p95/p99 and max.</summary>
internal sealed record Percentiles(int Count, double Mean, double P50, double P95, double P99, double Max)
{
    public static readonly Percentiles Empty = new(0, 0, 0, 0, 0, 0);

    /// <summary>Nearest-rank percentiles: the value below which p% of the samples fall, always one that was measured.</summary>
    public static Percentiles Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0)
        {
            return Empty;
        }

        var sorted = samples.Order().ToArray();
        return new Percentiles(sorted.Length, sorted.Average(), Rank(sorted, 50), Rank(sorted, 95), Rank(sorted, 99), sorted[^1]);
    }

    private static double Rank(double[] sorted, int percent) =>
        sorted[Math.Clamp((int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];

    public override string ToString() => FormattableString.Invariant($"p50 {P50:F1} / p95 {P95:F1} / p99 {P99:F1} ms");
}
