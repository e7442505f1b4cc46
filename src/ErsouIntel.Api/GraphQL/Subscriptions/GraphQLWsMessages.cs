using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphQL;

namespace ErsouIntel.Api.GraphQL.Subscriptions;

/// <summary>
/// The graphql-transport-ws messages (enisdenjo/graphql-ws, PROTOCOL.md): the server's, written as
/// UTF-8 JSON, and the checks a client's must pass before they are acted on (what the reference
/// server's <c>validateMessage</c> checks; anything else closes the socket with 4400).
/// </summary>
public static class GraphQLWsMessages
{
    public const string Subprotocol = "graphql-transport-ws";

    public static byte[] Ack() => Write(null, "connection_ack", null);

    public static byte[] Ping() => Write(null, "ping", null);

    public static byte[] Pong(JsonElement? payload) => Write(null, "pong", payload?.GetRawText());

    public static byte[] Next(string id, IGraphQLTextSerializer serializer, ExecutionResult result) => Write(id, "next", serializer.Serialize(result));

    /// <summary>An <c>error</c> carries the errors alone, as an array (the protocol's <c>GraphQLError[]</c>).</summary>
    public static byte[] Error(string id, IGraphQLTextSerializer serializer, ExecutionResult result) =>
        Write(id, "error", (JsonNode.Parse(serializer.Serialize(new ExecutionResult { Errors = result.Errors }))?["errors"] ?? new JsonArray()).ToJsonString());

    public static byte[] Complete(string id) => Write(id, "complete", null);

    private static byte[] Write(string? id, string type, string? payload)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (id is not null)
            {
                json.WriteString("id", id);
            }

            json.WriteString("type", type);
            if (payload is not null)
            {
                json.WritePropertyName("payload");
                json.WriteRawValue(payload, skipInputValidation: true);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>A client's message, checked: its type, and for those that carry them, its id and payload.</summary>
    public sealed record Incoming(string Type, string? Id, JsonElement? Payload);

    /// <summary>The message, or why it is not one (the text of the 4400 close).</summary>
    public static (Incoming? Message, string? Invalid) Read(ReadOnlySpan<byte> utf8)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return (null, "Message is not valid JSON");
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            return (null, "Message is missing the 'type' property");
        }

        var type = typeElement.GetString()!;
        JsonElement? payload = root.TryGetProperty("payload", out var p) && p.ValueKind != JsonValueKind.Null ? p : null;
        string? id = root.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
        switch (type)
        {
            case "connection_init" or "ping" or "pong":
                return payload is { ValueKind: not JsonValueKind.Object }
                    ? (null, $"\"{type}\" message expects the 'payload' property to be an object or nullish or missing")
                    : (new Incoming(type, null, payload), null);
            case "subscribe":
                if (string.IsNullOrEmpty(id))
                {
                    return (null, "\"subscribe\" message requires a non-empty 'id' property");
                }

                if (payload is not { ValueKind: JsonValueKind.Object } body || !body.TryGetProperty("query", out var query) || query.ValueKind != JsonValueKind.String)
                {
                    return (null, "\"subscribe\" message requires a 'payload' object with a 'query' string");
                }

                foreach (var (name, kind) in new[] { ("variables", JsonValueKind.Object), ("extensions", JsonValueKind.Object), ("operationName", JsonValueKind.String) })
                {
                    if (body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null && value.ValueKind != kind)
                    {
                        return (null, $"\"subscribe\" message payload expects the '{name}' property to be {(kind == JsonValueKind.Object ? "an object" : "a string")} or nullish or missing");
                    }
                }

                return (new Incoming(type, id, payload), null);
            case "complete":
                return string.IsNullOrEmpty(id)
                    ? (null, "\"complete\" message requires a non-empty 'id' property")
                    : (new Incoming(type, id, null), null);
            default:
                return (null, $"Unexpected message of type {type} received");
        }
    }

    /// <summary>A close reason fits in 123 bytes of UTF-8 (RFC 6455 section 5.5).</summary>
    public static string Reason(string reason)
    {
        if (Encoding.UTF8.GetByteCount(reason) <= 123)
        {
            return reason;
        }

        var cut = reason;
        while (Encoding.UTF8.GetByteCount(cut) > 120)
        {
            cut = cut[..^1];
        }

        return cut + "...";
    }
}
