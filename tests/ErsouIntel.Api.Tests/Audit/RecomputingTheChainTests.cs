using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using static ErsouIntel.Api.Tests.Audit.AccessLogSteps;
using static ErsouIntel.Api.Tests.Cases.CaseSteps;

namespace ErsouIntel.Api.Tests.Audit;

/// <summary>An auditor's own tool recomputes the chain from the canonical form docs/security.md gives.</summary>
public sealed class RecomputingTheChainTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private readonly Region region = new(service);

    [Fact]
    public async Task An_auditor_recomputes_each_hash_from_the_documented_canonical_form()
    {
        await SomeReadingAsync();

        var (entries, _) = await service.PageAsync(RegionAuditor(), first: 200);

        var previous = new string('0', 64);
        foreach (var entry in entries.OrderBy(Sequence))
        {
            Assert.Equal(previous, Text(entry, "previousHash"));
            Assert.Equal(Text(entry, "hash"), DocumentedHash(entry, await ClientIdAsync(Sequence(entry))));
            previous = Text(entry, "hash");
        }
    }

    private async Task SomeReadingAsync()
    {
        var phone = NewPhoneNumber();
        var hertfordshire = await region.ReportedAsync(Force.Hertfordshire, AnIncident.Courier(Unique("HC"), [phone]));
        await region.ReadsAsync(Investigator(Force.Essex), ContractOperations.Incident, new { id = hertfordshire });
        await region.ReadsAsync(Investigator(Force.Hertfordshire), ContractOperations.PhoneNumberProfile, new { phone });
        // Lengths count UTF-8 bytes. A justification holding a new line is refused and logged with
        // the line feed made visible (a three-byte character), so the value's length still counts bytes.
        await region.ReadsAsync(Investigator(Force.Suffolk), ContractOperations.Incident, new { id = hertfordshire, why = "Safeguarding: Mrs Ó'Brien — \"the courier\" follow-up=1 ✓" });
        Assert.Equal("BAD_USER_INPUT", (await region.AsksAsync(Investigator(Force.Suffolk), ContractOperations.Incident, new { id = hertfordshire, why = "Safeguarding: Mrs Ó'Brien — \"the courier\"\nfollow-up=1 ✓" })).FirstErrorCode);
    }

    /// <summary>The contract does not show the client id; the auditor reads it from the row.</summary>
    private async Task<string?> ClientIdAsync(long sequence)
    {
        await using var connection = new Npgsql.NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("select client_id from ersou.access_log where sequence = $1", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = sequence });
        return await command.ExecuteScalarAsync() as string;
    }

    /// <summary>
    /// docs/security.md, "How an auditor verifies the log", written out again here from the page and
    /// not from the service's code, so the page and the service cannot drift apart.
    /// </summary>
    private static string DocumentedHash(JsonNode entry, string? clientId)
    {
        var text = new StringBuilder("ersou-access-log-v1\n");
        void Line(string name, string? value) =>
            text.Append(name).Append('=').Append(value is null ? "-" : $"{Encoding.UTF8.GetByteCount(value)}:{value}").Append('\n');
        string? Optional(JsonNode? node) => node?.GetValue<string>();

        text.Append($"sequence={Sequence(entry)}\n");
        var at = DateTimeOffset.Parse(Text(entry, "at"), CultureInfo.InvariantCulture);
        Line("at", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        Line("subject", Text(entry, "subject"));
        Line("force", Optional(entry["force"]));
        var roles = entry["roles"]!.AsArray();
        text.Append($"roles={roles.Count}\n");
        foreach (var role in roles)
        {
            Line("role", role!.GetValue<string>());
        }

        Line("client_id", clientId);
        Line("kind", Text(entry, "kind"));
        Line("operation", Optional(entry["operation"]));
        Line("purpose", Optional(entry["purpose"]));
        Line("justification", Optional(entry["justification"]));
        var records = entry["records"]!.AsArray();
        text.Append($"records={records.Count}\n");
        foreach (var record in records)
        {
            Line("record.type", Text(record!, "type"));
            Line("record.id", Text(record!, "id"));
            Line("record.force", Optional(record!["force"]));
        }

        Line("previous_hash", Text(entry, "previousHash"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
