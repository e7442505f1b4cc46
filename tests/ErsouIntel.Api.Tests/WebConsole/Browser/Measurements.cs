using System.Text.Json;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Hosting;

namespace ErsouIntel.Api.Tests.WebConsole.Browser;

/// <summary>
/// The console's targets as the browser tests last measured them, in <c>docs/console/measured.json</c>
/// beside the screenshots: timings are written down, not asserted, since a loaded CI machine would
/// make a tight bound flaky without telling anything about the console.
/// </summary>
public static class Measurements
{
    private static readonly Lock Gate = new();

    public static string Folder { get; } = Path.Combine(RepositoryRoot.Find()!, "docs", "console");

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
