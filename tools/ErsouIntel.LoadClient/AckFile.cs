using System.Globalization;
using System.Text;

namespace ErsouIntel.LoadClient;

/// <summary>One acknowledged report: the service answered 200 and the payload for this input had an outcome and no errors.</summary>
public sealed record Acknowledgement(string Force, string ForceReference, string Outcome, string? IncidentId, int? Version);

/// <summary>
/// The append-only record of what the service acknowledged, one tab-separated line per report:
/// <c>force, forceReference, outcome, incident id, version, UTC time</c>. Lines are only ever
/// added, each batch's lines written and flushed to disk before the batch counts as done, so the
/// file is a lower bound of what the service promised to keep even if this client dies too.
/// </summary>
public sealed class AckFile : IDisposable
{
    private readonly FileStream stream;
    private readonly Lock gate = new();

    public AckFile(string path)
    {
        var fresh = !File.Exists(path) || new FileInfo(path).Length == 0;
        stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        if (fresh)
        {
            Write("# force\tforceReference\toutcome\tincidentId\tversion\tacknowledgedAtUtc\n");
        }
    }

    public void Append(IReadOnlyList<Acknowledgement> acknowledgements)
    {
        if (acknowledgements.Count == 0)
        {
            return;
        }

        var text = new StringBuilder();
        var now = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        foreach (var a in acknowledgements)
        {
            text.Append(a.Force).Append('\t').Append(a.ForceReference).Append('\t').Append(a.Outcome).Append('\t')
                .Append(a.IncidentId ?? "-").Append('\t').Append(a.Version?.ToString(CultureInfo.InvariantCulture) ?? "-").Append('\t')
                .Append(now).Append('\n');
        }

        Write(text.ToString());
    }

    private void Write(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        lock (gate)
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>The distinct (force, reference) pairs of a file, how many lines it had, and how many of them per outcome.</summary>
    public static (HashSet<(string Force, string Reference)> References, int Lines, Dictionary<string, int> Outcomes) Read(string path)
    {
        var references = new HashSet<(string, string)>();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var lines = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split('\t');
            if (fields.Length < 3)
            {
                throw new FormatException($"Not an acknowledgement line: '{line}'.");
            }

            lines++;
            references.Add((fields[0], fields[1]));
            outcomes[fields[2]] = outcomes.GetValueOrDefault(fields[2]) + 1;
        }

        return (references, lines, outcomes);
    }

    public void Dispose() => stream.Dispose();
}
