using System.Text.Json.Nodes;
using ErsouIntel.Api.Audit.Exporting;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;

namespace ErsouIntel.Api.Tests.Audit;

/// <summary>
/// <c>audit-export</c> of a log with an entry deleted straight in PostgreSQL: the file is written whole (it is
/// evidence), and the operator and the file's last line both say the log does not verify, and where.
/// </summary>
public sealed class ExportingABrokenLogTests(ServiceFixture service) : IClassFixture<ServiceFixture>, IDisposable
{
    private readonly string file = Path.Combine(Path.GetTempPath(), $"ersou-audit-broken-{Guid.NewGuid():N}.ndjson");

    public void Dispose() => File.Delete(file);

    [Fact]
    public async Task An_export_of_a_log_with_a_missing_sequence_says_so_and_exits_1()
    {
        var region = new Region(service);
        for (var i = 0; i < 4; i++)
        {
            await region.ReportedAsync(Force.Norfolk, AnIncident.Courier($"NFK/BROKEN/{i}", phones: ["07700 900412"]));
        }

        var whole = new StringWriter();
        Assert.Equal(0, await AccessLogExport.RunAsync(service.Services, ["--file", file], whole, whole));
        Assert.Contains("verified", whole.ToString(), StringComparison.Ordinal);
        Assert.True(Last()["valid"]!.GetValue<bool>());

        await ExecuteAsync(service.ConnectionString, "delete from ersou.access_log where sequence = $1", 2L);
        var output = new StringWriter();
        var error = new StringWriter();
        var status = await AccessLogExport.RunAsync(service.Services, ["--file", file], output, error);

        Assert.True(status == 1, $"An export of a log missing sequence 2 exited {status}: {output}{error}");
        Assert.Contains("does not verify: sequence 2 is missing", error.ToString(), StringComparison.Ordinal);
        Assert.False(Last()["valid"]!.GetValue<bool>());
        Assert.Equal(2, Last()["firstInvalidSequence"]!.GetValue<long>());
    }

    private JsonNode Last() => JsonNode.Parse(File.ReadAllLines(file)[^1])!;
}
