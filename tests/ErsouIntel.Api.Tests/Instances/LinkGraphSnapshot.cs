using Npgsql;

namespace ErsouIntel.Api.Tests.Instances;

/// <summary>
/// The link graph as rows to compare, one table after another. A person's node id is random
/// (li_link_incidents) and a match's id derives from it, so nodes are named by kind and key, and
/// matches by kind, key, case and their incidents. A match's detected/updated times are left out:
/// they are the latest event time of the batch that found it, and batches differ between a push
/// and a replay.
/// </summary>
public static class LinkGraphSnapshot
{
    private static readonly (string Table, string Sql)[] Queries =
    [
        ("li_incidents", "select id, force, force_reference, handling, category, occurred_at, reported_at, updated_at, retracted, version, details::text from ersou.li_incidents order by id"),
        ("li_entities", "select kind, key from ersou.li_entities order by kind, key"),
        ("li_entity_keys", "select k.kind, k.key, e.kind, e.key from ersou.li_entity_keys k join ersou.li_entities e on e.id = k.entity_id order by k.kind, k.key"),
        ("li_links", "select l.incident_id, l.kind, l.ordinal, e.kind, e.key, l.role, l.name, l.description, l.registration, l.date_of_birth from ersou.li_links l join ersou.li_entities e on e.id = l.entity_id order by 1, 2, 3, 5"),
        ("li_cases", "select id, reference, title, operation_name, lead_force, status, opened_at, version from ersou.li_cases order by id"),
        ("li_case_members", "select case_id, subject from ersou.li_case_members order by 1, 2"),
        ("li_case_incidents", "select case_id, incident_id, attached_at from ersou.li_case_incidents order by 1, 2"),
        ("li_matches", "select m.kind, m.key, m.case_id, m.forces, array(select mi.incident_id from ersou.li_match_incidents mi where mi.match_id = m.id order by 1) from ersou.li_matches m order by 1, 2, 3"),
        ("li_match_incidents", "select count(*) from ersou.li_match_incidents"),
        ("li_dead_letters", "select incident_id, operation, error from ersou.li_dead_letters order by 1, 2, 3"),
    ];

    public static async Task<IReadOnlyList<string>> TakeAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var rows = new List<string>();
        foreach (var (table, sql) in Queries)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var values = new string[reader.FieldCount];
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    values[i] = reader.IsDBNull(i) ? "null" : reader.GetValue(i) switch
                    {
                        Array array => "{" + string.Join(",", array.Cast<object>()) + "}",
                        DateTime time => time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                        var value => value.ToString() ?? "",
                    };
                }

                rows.Add(table + ": " + string.Join(" | ", values));
            }
        }

        return rows;
    }

    /// <summary>Asserts two snapshots equal, naming the first rows that differ.</summary>
    public static void Equal(IReadOnlyList<string> expected, IReadOnlyList<string> actual, string what)
    {
        var missing = expected.Except(actual).Take(5).ToList();
        var extra = actual.Except(expected).Take(5).ToList();
        Assert.True(expected.SequenceEqual(actual),
            $"{what}: {expected.Count} rows before, {actual.Count} after.{Environment.NewLine}" +
            $"Missing: {string.Join(Environment.NewLine, missing)}{Environment.NewLine}Extra: {string.Join(Environment.NewLine, extra)}");
    }
}
