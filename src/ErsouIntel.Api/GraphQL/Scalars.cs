using GraphQL.Types;

namespace ErsouIntel.Api.GraphQL;

/// <summary>The contract's <c>DateTime</c>: RFC 3339 with an offset.</summary>
public sealed class ContractDateTimeGraphType : DateTimeOffsetGraphType
{
    public ContractDateTimeGraphType()
    {
        Name = "DateTime";
        Description = "RFC 3339 date and time with an offset: 2024-03-12T14:05:00Z.";
    }

    /// <summary>Times leave in UTC with a Z, as the contract writes them, whatever offset they came with.</summary>
    public override object? Serialize(object? value) => value switch
    {
        DateTimeOffset at => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture),
        DateTime at => new DateTimeOffset(at.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(at, DateTimeKind.Utc) : at).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture),
        _ => base.Serialize(value),
    };
}

/// <summary>The contract's <c>Date</c>: a calendar date, 2024-03-12.</summary>
public sealed class ContractDateGraphType : DateOnlyGraphType
{
    public ContractDateGraphType()
    {
        Name = "Date";
        Description = "A calendar date: 2024-03-12.";
    }
}
