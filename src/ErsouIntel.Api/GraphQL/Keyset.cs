using Npgsql;

namespace ErsouIntel.Api.GraphQL;

/// <summary>
/// The key a list pages over, newest first, and where the asked-for page starts. The cursor is
/// compared as a row value, so PostgreSQL walks the key's index from the cursor on instead of
/// skipping an offset; one row more than asked for says whether there is a next page.
/// </summary>
public sealed class Keyset
{
    private readonly string order;
    private readonly string? condition;
    private readonly (string Name, object Value)[] parameters;

    private Keyset(string order, string? condition, params (string Name, object Value)[] parameters)
    {
        this.order = order;
        this.condition = condition;
        this.parameters = parameters;
    }

    /// <summary>A (time, id) key: the id breaks ties between rows of the same moment. The cursor is <see cref="Paging.Cursor(DateTimeOffset, Guid)"/>'s.</summary>
    public static Keyset ByTimeAndId(string atColumn, string idColumn, (DateTimeOffset At, Guid Id)? after) =>
        after is { } cursor
            ? new($"{atColumn} desc, {idColumn} desc", $"({atColumn}, {idColumn}) < (@afterAt, @afterId)", ("afterAt", cursor.At), ("afterId", cursor.Id))
            : new($"{atColumn} desc, {idColumn} desc", null);

    /// <summary>A unique, increasing sequence. The cursor is <see cref="Paging.Cursor(long)"/>'s.</summary>
    public static Keyset BySequence(string column, long? after) =>
        after is { } sequence
            ? new($"{column} desc", $"{column} < @after", ("after", sequence))
            : new($"{column} desc", null);

    /// <summary>
    /// Runs <paramref name="sql"/> (a select ending in its where clause) for one page: the rows after
    /// the cursor, newest first, at most <paramref name="first"/> plus one, read by <paramref name="read"/>.
    /// </summary>
    public async Task<Connection<T>> PageAsync<T>(
        NpgsqlCommand command,
        string sql,
        int first,
        Func<NpgsqlCommand, CancellationToken, Task<List<T>>> read,
        Func<T, string> cursor,
        CancellationToken cancellation)
    {
        if (condition is not null)
        {
            sql += " and " + condition;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }
        }

        command.CommandText = sql + $" order by {order} limit @limit";
        command.Parameters.AddWithValue("limit", first + 1);
        var rows = await read(command, cancellation);
        return Connection.From(rows, first, cursor, afterGiven: condition is not null);
    }
}
