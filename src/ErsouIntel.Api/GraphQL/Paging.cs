using System.Globalization;
using System.Text;
using GraphQL;

namespace ErsouIntel.Api.GraphQL;

/// <summary>Relay's page info. <c>hasPreviousPage</c> is true exactly when the page was asked for with <c>after</c>.</summary>
public sealed record PageInfo(bool HasNextPage, string? EndCursor, bool HasPreviousPage = false, string? StartCursor = null);

public sealed record Edge<T>(T Node, string Cursor);

public sealed record Connection<T>(IReadOnlyList<Edge<T>> Edges, PageInfo PageInfo);

public static class Connection
{
    /// <summary>Builds a page from rows fetched with one row more than asked for: that extra row only says there is a next page.</summary>
    public static Connection<T> From<T>(IReadOnlyList<T> rowsPlusOne, int first, Func<T, string> cursor, bool afterGiven)
    {
        var page = rowsPlusOne.Take(first).Select(r => new Edge<T>(r, cursor(r))).ToList();
        return Page(page, rowsPlusOne.Count > first, afterGiven);
    }

    /// <summary>A page of edges already cut.</summary>
    public static Connection<T> Page<T>(IReadOnlyList<Edge<T>> page, bool hasNextPage, bool afterGiven) =>
        new(page, new PageInfo(hasNextPage, page.Count == 0 ? null : page[^1].Cursor, afterGiven, page.Count == 0 ? null : page[0].Cursor));
}

/// <summary>Relay paging: <c>first</c> up to 200, opaque cursors over a (time, id) key, paging done in SQL.</summary>
public static class Paging
{
    public const int DefaultFirst = 50;
    public const int MaxFirst = 200;

    public static int First(int? first)
    {
        if (first is null)
        {
            return DefaultFirst;
        }

        if (first < 0 || first > MaxFirst)
        {
            throw new ExecutionError($"first must be between 0 and {MaxFirst}.") { Code = ErrorCodes.BadUserInput };
        }

        return first.Value;
    }

    public static string Cursor(DateTimeOffset at, Guid id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{at.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{id:N}"));

    public static string Cursor(long sequence) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(sequence.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Reads a cursor made by <see cref="Cursor(DateTimeOffset, Guid)"/>; anything else is a clear input error.</summary>
    public static (DateTimeOffset At, Guid Id)? After(string? after)
    {
        if (after is null)
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(after)).Split('|');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && Guid.TryParseExact(parts[1], "N", out var id))
            {
                return (new DateTimeOffset(ticks, TimeSpan.Zero), id);
            }
        }
        catch (FormatException)
        {
        }

        throw new ExecutionError("after is not a cursor this list gave out.") { Code = ErrorCodes.BadUserInput };
    }

    public static long? AfterSequence(string? after)
    {
        if (after is null)
        {
            return null;
        }

        try
        {
            if (long.TryParse(Encoding.UTF8.GetString(Convert.FromBase64String(after)), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                return sequence;
            }
        }
        catch (FormatException)
        {
        }

        throw new ExecutionError("after is not a cursor this list gave out.") { Code = ErrorCodes.BadUserInput };
    }
}
