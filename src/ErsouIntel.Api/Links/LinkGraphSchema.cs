using System.Reflection;
using System.Text.RegularExpressions;
using ErsouIntel.Api.Storage;
using Weasel.Postgresql.Functions;

namespace ErsouIntel.Api.Links;

/// <summary>
/// The link graph's database objects: the tables its projection declares (<see cref="LinkGraphProjection.Tables"/>)
/// and the functions that link and match, one <c>Links/Sql/&lt;name&gt;.sql</c> file each, embedded in the
/// assembly. Created and migrated by Marten with its own objects (db-apply, db-assert).
/// </summary>
public static partial class LinkGraphSchema
{
    private const string ResourcePrefix = "ErsouIntel.Api.Links.Sql.";

    /// <summary>
    /// Functions that earlier versions created and nothing calls any more: dropped by db-apply where they
    /// exist, so a database that had them asserts clean like a new one.
    /// </summary>
    public static readonly string[] Removed =
    [
        "li_detect_matches", "li_match_entities", "li_apply_incident_unsafe", "li_link_incident", "li_keyed_entity", "li_person_node",
    ];

    public static IEnumerable<Weasel.Core.ISchemaObject> Objects()
    {
        foreach (var table in LinkGraphProjection.Tables())
        {
            yield return table;
        }

        foreach (var (_, sql) in Functions())
        {
            yield return Function.ForSql(sql);
        }

        foreach (var name in Removed)
        {
            yield return Function.ForRemoval($"{EventStore.Schema}.{name}");
        }
    }

    /// <summary>Every function's text, by name, from the embedded <c>.sql</c> files, each checked against <see cref="SpellingProblem"/>.</summary>
    public static IReadOnlyList<(string Name, string Sql)> Functions()
    {
        var assembly = typeof(LinkGraphSchema).Assembly;
        var functions = new List<(string Name, string Sql)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var name = resource[ResourcePrefix.Length..^".sql".Length];
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            var sql = reader.ReadToEnd();
            if (SpellingProblem(name, sql) is { } problem)
            {
                throw new InvalidOperationException($"Links/Sql/{name}.sql: {problem}");
            }

            functions.Add((name, sql));
        }

        return functions;
    }

    // Each function is written as PostgreSQL's pg_get_functiondef prints it back: the header one clause a
    // line, each indented by one space (RETURNS, LANGUAGE, volatility, SET jit TO 'off'), argument and
    // result types spelt out (timestamp with time zone, integer, boolean), the body between $function$
    // quotes. Weasel compares the declared text with that print-out, whitespace collapsed, so any other
    // spelling makes db-assert report a difference and db-apply drop and recreate the function every run.
    // The loader refuses a file that breaks the parts of the rule it can see, before a database does.
    internal static string? SpellingProblem(string name, string sql)
    {
        var lines = sql.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
        if (!lines[0].StartsWith($"CREATE OR REPLACE FUNCTION {EventStore.Schema}.{name}(", StringComparison.Ordinal))
        {
            return $"must start 'CREATE OR REPLACE FUNCTION {EventStore.Schema}.{name}(' (the file is named for the function)";
        }

        var body = Array.IndexOf(lines, "AS $function$");
        if (body < 0 || lines[^1] != "$function$;")
        {
            return "the body must sit between a line 'AS $function$' and a last line '$function$;'";
        }

        if (lines.Skip(1).Take(body - 1).FirstOrDefault(l => !HeaderClause().IsMatch(l)) is { } clause)
        {
            return $"'{clause}' is not a header clause as PostgreSQL prints one (one space, then RETURNS, LANGUAGE, ...)";
        }

        var header = string.Join('\n', lines.Take(body));
        if (ShortTypeName().Match(header) is { Success: true } shorthand)
        {
            return $"'{shorthand.Value}' in the header: PostgreSQL prints types spelt out (timestamp with time zone, integer, boolean)";
        }

        if (!lines.Any(l => l.StartsWith(" RETURNS ", StringComparison.Ordinal)) || !lines.Any(l => l.StartsWith(" LANGUAGE ", StringComparison.Ordinal)))
        {
            return "the header needs a ' RETURNS ...' and a ' LANGUAGE ...' line";
        }

        return lines.Take(body).FirstOrDefault(l => l.StartsWith(" SET ", StringComparison.Ordinal) && !SetClause().IsMatch(l)) is { } set
            ? $"'{set}': PostgreSQL prints SET clauses as SET name TO 'value'"
            : null;
    }

    [GeneratedRegex(@"^ (RETURNS|LANGUAGE|IMMUTABLE|STABLE|STRICT|SECURITY|PARALLEL|COST|ROWS|SET|LEAKPROOF|WINDOW)( |$)")]
    private static partial Regex HeaderClause();

    [GeneratedRegex(@"\b(timestamptz|int|int2|int4|int8|bool|float4|float8|varchar|decimal)\b")]
    private static partial Regex ShortTypeName();

    [GeneratedRegex(@"^ SET \w+ TO '[^']*'$")]
    private static partial Regex SetClause();
}
