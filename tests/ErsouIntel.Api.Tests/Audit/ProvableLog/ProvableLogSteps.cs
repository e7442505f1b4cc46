using System.Text.Json.Nodes;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Audit.Tree;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Transparency;
using Npgsql;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Audit.ProvableLog;

/// <summary>What the provable log's tests do: make entries, wait for a checkpoint, read the log as the database holds it.</summary>
public static class ProvableLogSteps
{
    /// <summary>A few investigators' reads: entries of several kinds, from several callers.</summary>
    public static async Task SomeReadingAsync(this ServiceFixture service, int reads = 3)
    {
        var region = new Region(service);
        var phone = NewPhoneNumber();
        var incident = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("PL"), [phone]));
        for (var i = 0; i < reads; i++)
        {
            await region.ReadsAsync(Investigator(i % 2 == 0 ? Force.Essex : Force.Norfolk), ContractOperations.Incident, new { id = incident });
        }
    }

    /// <summary>The newest checkpoint once it covers at least <paramref name="atLeast"/> entries (the signer runs every 250 ms).</summary>
    public static async Task<JsonNode> CheckpointAsync(this ServiceFixture service, long atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var answer = await service.PostAsAsync(RegionAuditor(), ContractOperations.Text("AccessLogCheckpoint"));
            Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
            if (answer.Data!["accessLogCheckpoint"] is JsonObject checkpoint && checkpoint["treeSize"]!.GetValue<long>() >= atLeast)
            {
                return checkpoint;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No checkpoint covered {atLeast} entries within 15 s: {answer}");
            await Task.Delay(100);
        }
    }

    /// <summary>Every entry's leaf hash, from the rows as the database holds them, by sequence.</summary>
    public static async Task<List<byte[]>> LeavesAsync(this ServiceFixture service)
    {
        var leaves = new List<byte[]>();
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select {AccessLogSchema.Columns} from {AccessLogSchema.Table} l order by l.sequence", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            leaves.Add(AccessLogTree.LeafHash(AccessLogSchema.Read(reader).Entry));
        }

        return leaves;
    }

    /// <summary>RFC 9162's MTH, written the naive way: the oracle the stored tree is held to.</summary>
    public static byte[] NaiveRoot(IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 0)
        {
            return MerkleHash.EmptyRoot();
        }

        if (leaves.Count == 1)
        {
            return leaves[0];
        }

        var k = 1;
        while (k * 2 < leaves.Count)
        {
            k *= 2;
        }

        return MerkleHash.NodeHash(NaiveRoot([.. leaves.Take(k)]), NaiveRoot([.. leaves.Skip(k)]));
    }

    public static byte[] Base64(JsonNode node, string field) => Convert.FromBase64String(node[field]!.GetValue<string>());

    public static async Task<long> ScalarAsync(this ServiceFixture service, string sql)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
