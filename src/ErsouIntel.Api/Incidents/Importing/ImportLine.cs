using System.Text.Json;
using System.Text.Json.Serialization;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;

namespace ErsouIntel.Api.Incidents.Importing;

/// <summary>One line of an import file, read: the force and its report, or why the line was refused.</summary>
public sealed record ImportLine(long Number, Force? Force, IncidentReport? Report, string? Code, string? Message)
{
    public bool Refused => Report is null;
}

/// <summary>
/// Reads import files: one JSON object per line, <c>{"force":"ESSEX","input":{...}}</c>, where
/// <c>input</c> is the contract's <c>ReportIncidentInput</c> exactly as a force system sends it to
/// <c>reportIncidents</c> (camelCase names, enum values as the schema spells them). Unknown fields,
/// missing required fields, wrong types and times without an offset refuse the line, as the
/// GraphQL input coercion would; the domain's validation then runs as for the API.
/// </summary>
public static class ImportLines
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        Converters =
        {
            new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false),
            new ScalarConverter<DateTimeOffset>(new ContractDateTimeGraphType()),
            new ScalarConverter<DateOnly>(new ContractDateGraphType()),
        },
    };

    private sealed record Line(string Force, IncidentReport Input);

    public static ImportLine Read(long number, string text)
    {
        try
        {
            using (var document = JsonDocument.Parse(text))
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return Refuse(number, "BAD_USER_INPUT", "The line is not a JSON object.");
                }

                // Present and not null wherever the schema says non-null: read from the API's own input type.
                var missing = document.RootElement.TryGetProperty("input", out var input)
                    ? Missing(input, typeof(ReportIncidentInputGraphType), "$.input")
                    : "$.input";
                if (missing is not null)
                {
                    return Refuse(number, "BAD_USER_INPUT", $"Not a valid import line at {missing}: a required field is missing");
                }
            }

            var line = JsonSerializer.Deserialize<Line>(text, Json);
            if (line is null)
            {
                return Refuse(number, "BAD_USER_INPUT", "The line is not a JSON object.");
            }

            return Forces.TryParse(line.Force, out var force)
                ? new ImportLine(number, force, line.Input, null, null)
                : Refuse(number, "BAD_USER_INPUT", "'force' is not one of the six forces.");
        }
        catch (JsonException e)
        {
            // The path and the reason, never the text of the line: it may carry personal data.
            return Refuse(number, "BAD_USER_INPUT", $"Not a valid import line at {e.Path ?? "$"}: {Reason(e)}");
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            // A scalar (a date, a time) refused its text.
            return Refuse(number, "BAD_USER_INPUT", "Not a valid import line: a date or time is not in the contract's form.");
        }
    }

    /// <summary>The path of the first field that <paramref name="inputType"/> makes non-null and the JSON lacks, if any.</summary>
    private static string? Missing(JsonElement value, Type inputType, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return null; // The wrong kind of value: the deserializer names it.
        }

        foreach (var (name, required, nested) in FieldsOf.GetOrAdd(inputType, Fields))
        {
            var present = value.TryGetProperty(name, out var child) && child.ValueKind != JsonValueKind.Null;
            if (required && !present)
            {
                return $"{path}.{name}";
            }

            if (present && nested is not null)
            {
                var items = child.ValueKind == JsonValueKind.Array ? child.EnumerateArray().ToList() : [child];
                for (var i = 0; i < items.Count; i++)
                {
                    var itemPath = child.ValueKind == JsonValueKind.Array ? $"{path}.{name}[{i}]" : $"{path}.{name}";
                    if (Missing(items[i], nested, itemPath) is { } missing)
                    {
                        return missing;
                    }
                }
            }
        }

        return null;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, (string Name, bool Required, Type? Nested)[]> FieldsOf = new();

    /// <summary>An input type's fields: name, whether non-null, and the input object type inside, if any (read once per type).</summary>
    private static (string Name, bool Required, Type? Nested)[] Fields(Type inputType) =>
        ((global::GraphQL.Types.IInputObjectGraphType)Activator.CreateInstance(inputType)!).Fields
            .Select(field =>
            {
                var type = field.Type!;
                var nested = Unwrap(type);
                return (field.Name,
                    type.IsGenericType && type.GetGenericTypeDefinition() == typeof(global::GraphQL.Types.NonNullGraphType<>),
                    nested is not null && typeof(global::GraphQL.Types.IInputObjectGraphType).IsAssignableFrom(nested) ? nested : null);
            })
            .ToArray();

    /// <summary>The named type inside NonNull and List wrappers.</summary>
    private static Type? Unwrap(Type type) =>
        type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(global::GraphQL.Types.NonNullGraphType<>) || type.GetGenericTypeDefinition() == typeof(global::GraphQL.Types.ListGraphType<>))
            ? Unwrap(type.GetGenericArguments()[0])
            : type;

    private static ImportLine Refuse(long number, string code, string message) => new(number, null, null, code, message);

    private static string Reason(JsonException e) => e.InnerException switch
    {
        _ when e.Message.Contains("missing required", StringComparison.OrdinalIgnoreCase) => "a required field is missing",
        _ when e.Message.Contains("could not be mapped", StringComparison.OrdinalIgnoreCase) => "a field the input does not have",
        _ when e.Message.Contains("null", StringComparison.OrdinalIgnoreCase) => "null where a value is required",
        _ => "malformed JSON or a value of the wrong type",
    };

    /// <summary>A JSON string read by the same GraphQL scalar the API uses, so both accept the same text.</summary>
    private sealed class ScalarConverter<T>(global::GraphQL.Types.ScalarGraphType scalar) : JsonConverter<T>
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"A {scalar.Name} is a string.");
            }

            var parsed = scalar.ParseValue(reader.GetString());
            return parsed is T value ? value : throw new JsonException($"Not a {scalar.Name}.");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            throw new NotSupportedException("Import lines are only read.");
    }
}
