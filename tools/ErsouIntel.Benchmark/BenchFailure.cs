namespace ErsouIntel.Benchmark;

/// <summary>The run cannot go on or its figures would mean nothing: a refused push, a service that will not start, a failed import.</summary>
internal sealed class BenchFailure(string message) : Exception(message);
