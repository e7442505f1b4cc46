namespace ErsouIntel.Api.GraphQL;

/// <summary>Bounds on the work one GraphQL request may ask for; section <c>GraphQL</c> of the configuration.</summary>
public sealed class GraphQLLimits
{
    public const string Section = "GraphQL";

    /// <summary>Largest request body accepted, in bytes (a 500-incident batch fits well inside).</summary>
    public long MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Longest document accepted, in characters.</summary>
    public int MaxDocumentLength { get; set; } = 64 * 1024;

    /// <summary>Deepest nesting the parser accepts before it stops reading.</summary>
    public int MaxParserDepth { get; set; } = 64;

    /// <summary>Deepest selection set an operation may have.</summary>
    public int MaxDepth { get; set; } = 15;

    /// <summary>Highest complexity an operation may have (graphql-dotnet's analyser).</summary>
    public int MaxComplexity { get; set; } = 20_000;

    /// <summary>Longest time one operation may run.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
