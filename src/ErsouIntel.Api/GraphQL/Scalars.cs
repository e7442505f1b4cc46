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
