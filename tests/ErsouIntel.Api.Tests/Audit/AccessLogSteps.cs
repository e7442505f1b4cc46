using System.Text.Json;
using System.Text.Json.Nodes;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Npgsql;

namespace ErsouIntel.Api.Tests.Audit;

/// <summary>A record an entry names, as its row stores it.</summary>
public sealed record NamedRecord(string Type, string Id, string? Force);

/// <summary>One row of <c>ersou.access_log</c> read straight from PostgreSQL, with the whole row as text to search for leaks.</summary>
public sealed record LogRow(
    long Sequence,
    string Subject,
    string? Force,
    string[] Roles,
    string Kind,
    string? Operation,
    string? Purpose,
    string? Justification,
    IReadOnlyList<NamedRecord> Records,
    string RowText)
{
    public IReadOnlyList<string> IdsOf(string type) => Records.Where(r => r.Type == type).Select(r => r.Id).Order(StringComparer.Ordinal).ToList();

    public override string ToString() => RowText;
}

/// <summary>
/// The access-log steps of the stories: "the log holds a DISCLOSURE naming the Essex incident",
/// "an Essex auditor pages through the log", "an auditor verifies the chain". The log is read
/// both through the contract's operations and straight from the database.
/// </summary>
public static class AccessLogSteps
{
    public static TestCaller RegionAuditor(string? name = null) => new(name ?? "auditor", null, ["auditor"], ["audit:read"]);

    public static TestCaller ForceAuditor(Force force, string? name = null) => new(name ?? $"{force.TenantId().ToLowerInvariant()}-auditor", force, ["auditor"], ["audit:read"]);

    /// <summary>The last sequence written, 0 for an empty log.</summary>
    public static async Task<long> HeadAsync(this ServiceFixture service)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select coalesce(max(sequence), 0) from ersou.access_log", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The rows written after <paramref name="after"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<LogRow>> EntriesSinceAsync(this ServiceFixture service, long after)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select sequence, subject, force, roles, kind, operation, purpose, justification, records::text, row_to_json(l)::text " +
            "from ersou.access_log l where sequence > @after order by sequence", connection);
        command.Parameters.AddWithValue("after", after);
        var rows = new List<LogRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var records = JsonNode.Parse(reader.GetString(8))!.AsArray()
                .Select(r => new NamedRecord(r!["type"]!.GetValue<string>(), r["id"]!.GetValue<string>(), r["force"]?.GetValue<string>()))
                .ToList();
            rows.Add(new LogRow(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetFieldValue<string[]>(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                records,
                reader.GetString(9)));
        }

        return rows;
    }

    /// <summary>The entries written while <paramref name="step"/> ran (the tests of one class run one at a time).</summary>
    public static async Task<IReadOnlyList<LogRow>> LoggedWhileAsync(this ServiceFixture service, Func<Task> step)
    {
        var mark = await service.HeadAsync();
        await step();
        return await service.EntriesSinceAsync(mark);
    }

    /// <summary>The one entry of <paramref name="kind"/>; fails naming all entries when there is not exactly one.</summary>
    public static LogRow OneOf(IReadOnlyList<LogRow> entries, string kind)
    {
        var found = entries.Where(e => e.Kind == kind).ToList();
        Assert.True(found.Count == 1, $"Expected one {kind} entry in the access log, found {found.Count}: {string.Join("\n", entries)}");
        return found[0];
    }

    /// <summary>No row holds any of the texts: the log names records, never their contents.</summary>
    public static void HoldsNoneOf(IReadOnlyList<LogRow> entries, params string[] contents)
    {
        foreach (var text in contents)
        {
            var leaking = entries.Where(e => e.RowText.Contains(text, StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.True(leaking.Count == 0, $"The access log holds record contents ('{text}'): {string.Join("\n", leaking)}");
        }
    }

    public static async Task<GraphQLAnswer> AuditsAsync(this ServiceFixture service, TestCaller auditor, object? filter = null, int? first = null, string? after = null) =>
        await service.PostAsAsync(auditor, ContractOperations.Text("AccessLog"), new { filter, first, after });

    /// <summary>One page of the log as an auditor sees it; the answer must have no errors.</summary>
    public static async Task<(IReadOnlyList<JsonNode> Entries, JsonNode PageInfo)> PageAsync(this ServiceFixture service, TestCaller auditor, object? filter = null, int? first = null, string? after = null)
    {
        var answer = await service.AuditsAsync(auditor, filter, first, after);
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        var connection = answer.Data!["accessLog"]!;
        return (connection["edges"]!.AsArray().Select(e => e!["node"]!).ToList(), connection["pageInfo"]!);
    }

    public static async Task<JsonNode> VerifiesAsync(this ServiceFixture service, TestCaller? auditor = null)
    {
        var answer = await service.PostAsAsync(auditor ?? RegionAuditor(), ContractOperations.Text("VerifyAccessLog"));
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        return answer.Data!["verifyAccessLog"]!;
    }

    public static long Sequence(JsonNode entry) => entry["sequence"]!.GetValue<long>();

    public static string Text(JsonNode node, string field) => node[field]!.GetValue<string>();

    public static async Task ExecuteAsync(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync();
    }

    public static string Json(object value) => JsonSerializer.Serialize(value);
}
