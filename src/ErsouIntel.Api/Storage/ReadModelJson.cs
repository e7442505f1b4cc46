using System.Text.Json;
using System.Text.Json.Serialization;

namespace ErsouIntel.Api.Storage;

/// <summary>How the read model's jsonb columns are written and read: camelCase, enums by name.</summary>
public static class ReadModelJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}
