using GraphQLParser.AST;
using GraphQLParser.Exceptions;

namespace ErsouIntel.Api.GraphQL;

/// <summary>A document refused before graphql-dotnet sees it: what to tell the caller, and the contract's code.</summary>
public readonly record struct DocumentRefusal(string Message, string Code);

/// <summary>
/// The checks every transport makes on a document before it executes (length, operation name,
/// parser depth, then <see cref="GraphQLLimits.Exceeded"/>): the HTTP endpoint and the live
/// transports share them, so a document refused on one is refused on all.
/// </summary>
public static class GraphQLDocumentCheck
{
    /// <summary>Parses <paramref name="query"/> within <paramref name="limit"/>: the document, or why it was refused.</summary>
    public static (GraphQLDocument? Document, DocumentRefusal? Refusal) Parse(string query, string? operationName, GraphQLLimits limit)
    {
        if (query.Length > limit.MaxDocumentLength)
        {
            return (null, new($"The document is longer than {limit.MaxDocumentLength} characters.", ErrorCodes.QueryTooComplex));
        }

        // A name longer than any document can name no operation in it; refused before graphql-dotnet echoes it back.
        if (operationName?.Length > limit.MaxDocumentLength)
        {
            return (null, new($"The operation name is longer than {limit.MaxDocumentLength} characters.", ErrorCodes.QueryTooComplex));
        }

        GraphQLDocument document;
        try
        {
            document = GraphQLParser.Parser.Parse(query, new GraphQLParser.ParserOptions { MaxDepth = limit.MaxParserDepth });
        }
        catch (GraphQLMaxDepthExceededException)
        {
            return (null, new($"The document nests deeper than {limit.MaxParserDepth} levels.", ErrorCodes.QueryTooComplex));
        }
        catch (GraphQLParserException e)
        {
            return (null, new($"The document could not be parsed: {e.Description} (line {e.Location.Line}, column {e.Location.Column}).", "GRAPHQL_PARSE_FAILED"));
        }

        return limit.Exceeded(document) is { } exceeded
            ? (null, new(exceeded, ErrorCodes.QueryTooComplex))
            : (document, null);
    }

    /// <summary>The operation a request runs: the one named, else the document's only one; null when it cannot be chosen (validation then answers).</summary>
    public static GraphQLOperationDefinition? SelectedOperation(GraphQLDocument document, string? operationName)
    {
        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        return operationName is null
            ? (operations.Count == 1 ? operations[0] : null)
            : operations.FirstOrDefault(o => o.Name?.StringValue == operationName);
    }
}
