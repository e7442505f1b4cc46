using System.Text.Json;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Audit.Writing;
using ErsouIntel.Api.Identity;
using GraphQL;
using GraphQL.Types;
using GraphQL.Validation.Errors.Custom;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ErsouIntel.Api.GraphQL;

/// <summary>
/// The GraphQL over HTTP endpoint, written by hand because graphql-dotnet's server transport
/// package is not served here. It follows the GraphQL over HTTP specification: POST with
/// <c>application/json</c>, GET for queries only, answers in
/// <c>application/graphql-response+json</c> or <c>application/json</c> with the status codes
/// the specification gives for each.
/// </summary>
public sealed partial class GraphQLHttpEndpoint(
    IDocumentExecuter<ISchema> executer,
    IGraphQLTextSerializer serializer,
    IOptions<GraphQLLimits> limits,
    ILogger<GraphQLHttpEndpoint> logger)
{
    public const string GraphQLResponseJson = "application/graphql-response+json";
    public const string Json = "application/json";

    public async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var response = http.Response;
        var isGet = HttpMethods.IsGet(request.Method);
        if (!isGet && !HttpMethods.IsPost(request.Method))
        {
            response.Headers.Allow = "GET, POST";
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        var mediaType = Negotiate(request.Headers.Accept);
        if (mediaType is null)
        {
            response.StatusCode = StatusCodes.Status406NotAcceptable;
            await WriteErrorAsync(http, Json, StatusCodes.Status406NotAcceptable,
                $"None of the media types in Accept can be served; ask for {GraphQLResponseJson} or {Json}.", "NOT_ACCEPTABLE");
            return;
        }

        var (parameters, problem) = await ReadAsync(request, http.RequestAborted);
        if (problem is not null)
        {
            await WriteErrorAsync(http, mediaType, problem.Value.Status, problem.Value.Message, "BAD_REQUEST");
            return;
        }

        var (parsed, refused) = GraphQLDocumentCheck.Parse(parameters!.Query, parameters.OperationName, limits.Value);
        if (refused is { } refusal)
        {
            await WriteGraphQLErrorAsync(http, mediaType, refusal.Message, refusal.Code);
            return;
        }

        var document = parsed!;

        if (isGet && SelectsMutation(document, parameters.OperationName))
        {
            response.Headers.Allow = "POST";
            await WriteErrorAsync(http, mediaType, StatusCodes.Status405MethodNotAllowed, "Mutations are sent with POST.", "METHOD_NOT_ALLOWED");
            return;
        }

        // Without a valid token only the schema itself may be asked about (introspection is public);
        // everything else is 401 with a Bearer challenge, before anything executes.
        var presentedToken = request.Headers.Authorization.Count > 0;
        if (http.User.Identity?.IsAuthenticated != true && (presentedToken || !OnlyIntrospects(document)))
        {
            response.Headers.WWWAuthenticate = presentedToken ? "Bearer error=\"invalid_token\"" : "Bearer";
            Telemetry.ErsouMetrics.UnauthenticatedRequest(presentedToken ? "invalid_token" : "no_token");
            await WriteErrorAsync(http, mediaType, StatusCodes.Status401Unauthorized, "Sign in: send a valid access token as 'Authorization: Bearer ...'.", ErrorCodes.Unauthenticated);
            return;
        }

        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Query = parameters.Query,
            Document = document,
            OperationName = parameters.OperationName,
            Variables = parameters.Variables,
            Extensions = parameters.Extensions,
            User = http.User,
            RequestServices = http.RequestServices,
            CancellationToken = http.RequestAborted,
        });

        // Refused before it ran because nothing can be logged durably now (no primary, or too few synchronous
        // standbys): nothing was read or changed, so there is nothing to log, and the log could not take it anyway.
        if (result.Errors?.Any(e => e is DatabaseUnavailableError) == true)
        {
            response.Headers.RetryAfter = "5";
            await WriteErrorAsync(http, mediaType, StatusCodes.Status503ServiceUnavailable, result.Errors.OfType<DatabaseUnavailableError>().First().Message, ErrorCodes.Internal);
            return;
        }

        // DPA 2018 s.62: what the request read or changed is logged before any of it leaves, and
        // if it cannot be logged nothing leaves. Written even when the caller has gone away: the
        // records were read all the same.
        try
        {
            await http.RequestServices.GetRequiredService<AccessLogWriter>().WriteAsync(
                http.RequestServices.GetRequiredService<RequestAudit>(),
                Caller.From(http.User),
                OperationName(document, parameters.OperationName),
                CancellationToken.None);
        }
        catch (Exception e)
        {
            LogAccessLogNotWritten(logger, e);
            response.Headers.RetryAfter = "5";
            await WriteErrorAsync(http, mediaType, StatusCodes.Status503ServiceUnavailable,
                "The access log could not be written, so no answer can be given. Try again shortly.", ErrorCodes.Internal);
            return;
        }

        // The database was out of reach, or the request ran out of time: a clear, retryable answer,
        // and none of a half-done result (what did commit was logged above and answers UNCHANGED to the resend).
        if (result.Errors?.Any(e => (e is global::GraphQL.Execution.UnhandledError && DatabaseErrors.Unreachable(e.InnerException)) || e.Code == "TIMEOUT") == true)
        {
            response.Headers.RetryAfter = "5";
            await WriteErrorAsync(http, mediaType, StatusCodes.Status503ServiceUnavailable,
                "The service cannot reach its database just now. Send the request again shortly: resending is safe.", ErrorCodes.Internal);
            return;
        }

        UseContractCodes(result);

        // With graphql-response+json a request that never executed (validation or variable
        // errors) is a client error; with application/json every well-formed request is 200.
        response.StatusCode = mediaType == GraphQLResponseJson && !result.Executed
            ? StatusCodes.Status400BadRequest
            : StatusCodes.Status200OK;
        response.ContentType = mediaType + "; charset=utf-8";
        await serializer.WriteAsync(response.Body, result, http.RequestAborted);
    }

    /// <summary>Renames graphql-dotnet's own error codes to the contract's (every transport answers with these).</summary>
    internal static void UseContractCodes(ExecutionResult result)
    {
        foreach (var error in result.Errors ?? [])
        {
            // graphql-dotnet's analyser names its refusals COMPLEXITY; the contract's code for any limit is QUERY_TOO_COMPLEX.
            if (error is ComplexityError)
            {
                error.Code = ErrorCodes.QueryTooComplex;
            }

            // A variable that does not fit its type (a missing non-null field, a bad date): graphql-dotnet names it
            // INVALID_VALUE; the contract's code for input the caller must fix is BAD_USER_INPUT. GraphQL refuses the
            // whole request for it, every input of a batch included (docs/graphql-over-http.md says what to do).
            if (error is global::GraphQL.Validation.InvalidVariableError)
            {
                error.Code = ErrorCodes.BadUserInput;
            }
        }
    }

    /// <summary>Chooses the response media type from the Accept header, or null when nothing acceptable is asked for.</summary>
    internal static string? Negotiate(IList<string>? acceptHeaders)
    {
        if (acceptHeaders is null || acceptHeaders.Count == 0 || acceptHeaders.All(string.IsNullOrWhiteSpace))
        {
            // The specification: a request without Accept is treated as if it asked for application/json.
            return Json;
        }

        if (!MediaTypeHeaderValue.TryParseList(acceptHeaders, out var accepted))
        {
            return null;
        }

        string? best = null;
        double bestQuality = 0;
        foreach (var candidate in accepted)
        {
            var quality = candidate.Quality ?? 1;
            var served = candidate.MediaType.Value?.ToLowerInvariant() switch
            {
                GraphQLResponseJson => GraphQLResponseJson,
                Json => Json,
                "application/*" or "*/*" => Json,
                _ => null,
            };
            if (served is null || quality <= 0)
            {
                continue;
            }

            var charset = candidate.Charset.Value;
            if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (quality > bestQuality || (quality == bestQuality && served == GraphQLResponseJson && best != GraphQLResponseJson))
            {
                best = served;
                bestQuality = quality;
            }
        }

        return best;
    }

    /// <summary>True when every root field of every operation is <c>__typename</c>, <c>__schema</c> or <c>__type</c>.</summary>
    private static bool OnlyIntrospects(GraphQLDocument document)
    {
        var fragments = document.Definitions.OfType<GraphQLFragmentDefinition>().ToDictionary(f => f.FragmentName.Name.StringValue);
        return document.Definitions.OfType<GraphQLOperationDefinition>().All(o => RootFieldsIntrospect(o.SelectionSet, fragments, depth: 0));
    }

    private static bool RootFieldsIntrospect(GraphQLSelectionSet set, Dictionary<string, GraphQLFragmentDefinition> fragments, int depth) =>
        depth < 10 && set.Selections.All(selection => selection switch
        {
            GraphQLField field => field.Name.StringValue.StartsWith("__", StringComparison.Ordinal),
            GraphQLInlineFragment inline => RootFieldsIntrospect(inline.SelectionSet, fragments, depth + 1),
            GraphQLFragmentSpread spread => fragments.TryGetValue(spread.FragmentName.Name.StringValue, out var fragment) && RootFieldsIntrospect(fragment.SelectionSet, fragments, depth + 1),
            _ => false,
        });

    /// <summary>The operation name the access log records: the one asked for, else the name of the document's only operation.</summary>
    internal static string? OperationName(GraphQLDocument document, string? asked)
    {
        if (asked is not null)
        {
            return asked;
        }

        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().Take(2).ToList();
        return operations.Count == 1 ? operations[0].Name?.StringValue : null;
    }

    private static bool SelectsMutation(GraphQLDocument document, string? operationName)
    {
        var selected = GraphQLDocumentCheck.SelectedOperation(document, operationName);
        // When the operation cannot be chosen, validation answers; a GET never runs a mutation either way.
        return selected is null
            ? document.Definitions.OfType<GraphQLOperationDefinition>().Any(o => o.Operation != OperationType.Query)
            : selected.Operation != OperationType.Query;
    }

    /// <summary>The request's parameters, from the query string of a GET or the JSON body of a POST (the live transports read theirs here too).</summary>
    internal Task<(GraphQLParameters?, Problem?)> ReadAsync(HttpRequest request, CancellationToken cancellation) =>
        HttpMethods.IsGet(request.Method) ? Task.FromResult(ReadQueryString(request)) : ReadBodyAsync(request, limits.Value, cancellation);

    private (GraphQLParameters?, Problem?) ReadQueryString(HttpRequest request)
    {
        var query = request.Query;
        if (query["query"] is not { Count: 1 } queryValues || string.IsNullOrEmpty(queryValues[0]))
        {
            return (null, new Problem(StatusCodes.Status400BadRequest, "A GET request needs exactly one 'query' parameter."));
        }

        if (query["operationName"].Count > 1 || query["variables"].Count > 1 || query["extensions"].Count > 1)
        {
            return (null, new Problem(StatusCodes.Status400BadRequest, "'operationName', 'variables' and 'extensions' may each be given once."));
        }

        try
        {
            return (new GraphQLParameters(
                queryValues[0]!,
                NullIfEmpty(query["operationName"]),
                ParseObject(NullIfEmpty(query["variables"]), "variables"),
                ParseObject(NullIfEmpty(query["extensions"]), "extensions")), null);
        }
        catch (JsonException e)
        {
            return (null, new Problem(StatusCodes.Status400BadRequest, e.Message));
        }

        static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues values) =>
            values.Count == 0 || string.IsNullOrEmpty(values[0]) ? null : values[0];
    }

    private async Task<(GraphQLParameters?, Problem?)> ReadBodyAsync(HttpRequest request, GraphQLLimits limits, CancellationToken cancellation)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !string.Equals(contentType.MediaType.Value, Json, StringComparison.OrdinalIgnoreCase)
            || (contentType.Charset.Value is { } charset && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
        {
            return (null, new Problem(StatusCodes.Status415UnsupportedMediaType, $"Send the request body as {Json} (UTF-8)."));
        }

        if (request.ContentLength > limits.MaxRequestBytes)
        {
            return (null, TooLarge(limits));
        }

        // Read at most one byte past the limit, whatever Content-Length said (or did not say). Sized
        // from Content-Length when given: a batch is hundreds of kilobytes, and each regrowth is a copy.
        using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? 0, limits.MaxRequestBytes));
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellation)) > 0)
            {
                if (buffer.Length + read > limits.MaxRequestBytes)
                {
                    return (null, TooLarge(limits));
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own limits (Kestrel:Limits): a body over MaxRequestBodySize, or one arriving
            // slower than MinRequestBodyDataRate. Kestrel closes the connection after this answer.
            return (null, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge(limits)
                : new Problem(e.StatusCode, "The request body could not be read: " + e.Message));
        }

        if (buffer.Length == 0)
        {
            return (null, new Problem(StatusCodes.Status400BadRequest, "The request body is empty."));
        }

        if (!System.Text.Unicode.Utf8.IsValid(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))
        {
            return (null, new Problem(StatusCodes.Status400BadRequest, "The request body is not valid UTF-8."));
        }

        try
        {
            using var json = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = 64 });
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, new Problem(StatusCodes.Status400BadRequest, "The request body must be a JSON object."));
            }

            if (!root.TryGetProperty("query", out var query) || query.ValueKind != JsonValueKind.String || query.GetString()!.Length == 0)
            {
                return (null, new Problem(StatusCodes.Status400BadRequest, "The request body needs a 'query' string."));
            }

            string? operationName = null;
            if (root.TryGetProperty("operationName", out var name) && name.ValueKind != JsonValueKind.Null)
            {
                if (name.ValueKind != JsonValueKind.String)
                {
                    return (null, new Problem(StatusCodes.Status400BadRequest, "'operationName' must be a string."));
                }

                operationName = name.GetString();
            }

            return (new GraphQLParameters(
                query.GetString()!,
                operationName,
                ReadObject(root.TryGetProperty("variables", out var v) ? v : null, "variables"),
                ReadObject(root.TryGetProperty("extensions", out var x) ? x : null, "extensions")), null);
        }
        catch (JsonException e)
        {
            return (null, new Problem(StatusCodes.Status400BadRequest, $"The request body is not valid JSON: {e.Message}"));
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json accepts "\ud800" while checking the syntax, and refuses it only when the string is read.
            return (null, new Problem(StatusCodes.Status400BadRequest, "The request body holds a string that is not Unicode text (an unpaired surrogate escape such as \\ud800)."));
        }
    }

    private static Problem TooLarge(GraphQLLimits limits) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {limits.MaxRequestBytes} bytes.");

    private Inputs? ParseObject(string? json, string name)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.Object => serializer.Deserialize<Inputs>(json) ?? Inputs.Empty,
            _ => throw new JsonException($"'{name}' must be a JSON object."),
        };
    }

    /// <summary>As <see cref="ParseObject"/>, from the body's already parsed JSON (no second parse of a large batch).</summary>
    private Inputs? ReadObject(JsonElement? element, string name) => element switch
    {
        null or { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.Object } value => serializer.ReadNode<Inputs>(value) ?? Inputs.Empty,
        _ => throw new JsonException($"'{name}' must be a JSON object."),
    };

    private async Task WriteGraphQLErrorAsync(HttpContext http, string mediaType, string message, string code)
    {
        // A document that fails before execution: 400 for graphql-response+json, 200 for application/json.
        var status = mediaType == GraphQLResponseJson ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
        await WriteErrorAsync(http, mediaType, status, message, code);
    }

    private async Task WriteErrorAsync(HttpContext http, string mediaType, int status, string message, string code)
    {
        LogRefused(logger, status, code);
        http.Response.StatusCode = status;
        http.Response.ContentType = mediaType + "; charset=utf-8";
        var result = new ExecutionResult { Errors = [new ExecutionError(message) { Code = code }] };
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The access log could not be written; the request was answered 503 without data")]
    private static partial void LogAccessLogNotWritten(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "GraphQL request refused with {Status} ({Code})")]
    private static partial void LogRefused(ILogger logger, int status, string code);

    internal sealed record GraphQLParameters(string Query, string? OperationName, Inputs? Variables, Inputs? Extensions);

    internal readonly record struct Problem(int Status, string Message);
}
