using Npgsql;

namespace ErsouIntel.Benchmark.Phases;

/// <summary>
/// What the two COPY floors share (<see cref="RawCopy"/>, <see cref="EverythingCopy"/>): a table's columns, rows read
/// back a chunk at a time keyed by their first column, and those rows written with one binary COPY.
/// </summary>
internal static class BinaryRows
{
    /// <summary>The columns a COPY writes: generated ones are the database's to compute.</summary>
    public static async Task<List<(string Name, string Type)>> ColumnsAsync(BenchDatabase db, string table, CancellationToken cancellation)
    {
        await using var command = db.DataSource.CreateCommand(
            "select a.attname, format_type(a.atttypid, null) from pg_attribute a where a.attrelid = @table::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = '' order by a.attnum");
        command.Parameters.AddWithValue("table", $"ersou.{table}");
        var columns = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            columns.Add((reader.GetString(0), reader.GetString(1)));
        }

        return columns;
    }

    /// <summary>Rows of <paramref name="sql"/> (first column the key, then <paramref name="columnCount"/> values), with its named parameters.</summary>
    public static async Task<List<(long Key, object?[] Values)>> ReadChunkAsync(
        BenchDatabase db, string sql, int columnCount, CancellationToken cancellation, params (string Name, object Value)[] parameters)
    {
        await using var command = db.DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<(long, object?[])>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var values = new object?[columnCount];
            for (var i = 0; i < columnCount; i++)
            {
                values[i] = reader.IsDBNull(i + 1) ? null : reader.GetValue(i + 1);
            }

            rows.Add((reader.GetInt64(0), values));
        }

        return rows;
    }

    public static async Task CopyAsync(
        NpgsqlConnection connection, string schema, string table, List<(string Name, string Type)> columns, List<(long Key, object?[] Values)> rows, CancellationToken cancellation)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            $"copy {schema}.{table} ({string.Join(", ", columns.Select(c => Quote(c.Name)))}) from stdin (format binary)", cancellation);
        foreach (var (_, values) in rows)
        {
            await importer.StartRowAsync(cancellation);
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] is { } value)
                {
                    await importer.WriteAsync(value, columns[i].Type, cancellation);
                }
                else
                {
                    await importer.WriteNullAsync(cancellation);
                }
            }
        }

        await importer.CompleteAsync(cancellation);
    }

    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
