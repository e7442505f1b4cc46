using System.Text.Json;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Audit.Exporting;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;

namespace ErsouIntel.Api.Tests.Audit;

/// <summary><c>audit-export</c>: the log as a file whose hashes an auditor can recompute without the service.</summary>
public sealed class AccessLogExportTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly string file = Path.Combine(Path.GetTempPath(), $"ersou-audit-{Guid.NewGuid():N}.ndjson");

    public void Dispose() => File.Delete(file);

    [Fact]
    public async Task The_export_holds_every_entry_with_hashes_that_recompute_and_chain()
    {
        var region = new Region(service);
        for (var i = 0; i < 3; i++)
        {
            await region.ReportedAsync(Force.Suffolk, AnIncident.Courier($"SFK/EXP/{i}", phones: ["07700 900311"]));
        }

        await region.ReadsAsync(TestCaller.Investigator(Force.Norfolk), ContractOperations.LinkedCouriers, new { phone = "07700 900311", hops = 1 });

        var output = new StringWriter();
        Assert.Equal(0, await AccessLogExport.RunAsync(service.Services, ["--file", file], output, output));
        var lines = (await File.ReadAllLinesAsync(file)).Select(l => JsonNode.Parse(l)!).ToList();

        Assert.Equal(AccessLogChain.Version, lines[0]["header"]!.GetValue<string>());
        var entries = lines.Skip(1).SkipLast(1).ToList();
        Assert.True(entries.Count >= 4, output.ToString());
        var previous = lines[0]["startsAfterHash"]!.GetValue<string>();
        foreach (var line in entries)
        {
            var entry = line["entry"].Deserialize<StoredEntry>(Web)!;
            Assert.Equal(previous, entry.PreviousHash);
            Assert.Equal(line["hash"]!.GetValue<string>(), AccessLogChain.Hash(entry));
            previous = line["hash"]!.GetValue<string>();
        }

        Assert.Equal(entries.Count, lines[^1]["entries"]!.GetValue<long>());
        Assert.Equal(previous, lines[^1]["lastHash"]!.GetValue<string>());

        // A range starts from the hash of the entry before it.
        Assert.Equal(0, await AccessLogExport.RunAsync(service.Services, ["--file", file, "--from", "2", "--to", "3"], output, output));
        var range = (await File.ReadAllLinesAsync(file)).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(entries[0]["hash"]!.GetValue<string>(), range[0]["startsAfterHash"]!.GetValue<string>());
        Assert.Equal(2, range[^1]["entries"]!.GetValue<long>());
        Assert.Equal(2, await AccessLogExport.RunAsync(service.Services, ["--file", file, "--from", "0"], output, output));
    }
}
