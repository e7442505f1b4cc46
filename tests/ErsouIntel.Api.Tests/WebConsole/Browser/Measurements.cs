using System.Text.Json;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Hosting;

namespace ErsouIntel.Api.Tests.WebConsole.Browser;

/// <summary>
/// The console's targets as the browser tests measured them, in <c>measured.json</c> beside the
/// screenshots: timings are written down, not asserted, since a loaded CI machine would make a tight
/// bound flaky without telling anything about the console. Both go to <c>TestResults/console/</c>,
/// or into <c>docs/console/</c> when <c>ERSOU_WRITE_DOCS=1</c> (docs/console.md says when to), so
/// that a plain test run leaves the work tree as it found it.
/// </summary>
public static class Measurements
{
    private static readonly Lock Gate = new();

    public static string Folder { get; } = Environment.GetEnvironmentVariable("ERSOU_WRITE_DOCS") == "1"
        ? Path.Combine(RepositoryRoot.Find()!, "docs", "console")
        : Path.Combine(RepositoryRoot.Find()!, "TestResults", "console");

    public static void Record(string name, double value)
    {
        lock (Gate)
        {
            Directory.CreateDirectory(Folder);
            var file = Path.Combine(Folder, "measured.json");
            var all = File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file))!.AsObject() : [];
            all[name] = Math.Round(value);
            File.WriteAllText(file, all.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
    }
}
