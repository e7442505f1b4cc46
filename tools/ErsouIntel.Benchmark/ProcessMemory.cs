using System.Globalization;

namespace ErsouIntel.Benchmark;

/// <summary>
/// A child process's resident memory from <c>/proc/&lt;pid&gt;/status</c>: VmRSS sampled every
/// second (the peak of the samples), and VmHWM, the kernel's own high-water mark, read at the end.
/// </summary>
internal sealed class ProcessMemory : IDisposable
{
    private readonly int pid;
    private readonly Timer timer;
    private long maxRssBytes;
    private int samples;

    public ProcessMemory(int pid)
    {
        this.pid = pid;
        timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    public long MaxRssBytes => Interlocked.Read(ref maxRssBytes);

    public int Samples => Volatile.Read(ref samples);

    /// <summary>VmRSS now (0 once the process is gone).</summary>
    public long RssBytes() => Read("VmRSS:");

    /// <summary>VmHWM now (0 once the process is gone): read it before stopping the process.</summary>
    public long HighWaterMarkBytes() => Read("VmHWM:");

    private void Sample()
    {
        var rss = Read("VmRSS:");
        if (rss == 0)
        {
            return;
        }

        Interlocked.Increment(ref samples);
        long seen;
        while (rss > (seen = Interlocked.Read(ref maxRssBytes)) && Interlocked.CompareExchange(ref maxRssBytes, rss, seen) != seen)
        {
            // Another sample raced this one; try again with what it wrote.
        }
    }

    private long Read(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    // "VmRSS:	  123456 kB"
                    var parts = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // The process has gone.
        }
        catch (UnauthorizedAccessException)
        {
            // The process has gone and its pid was reused by someone else's.
        }

        return 0;
    }

    public void Dispose() => timer.Dispose();
}
