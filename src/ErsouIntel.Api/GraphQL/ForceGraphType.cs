using ErsouIntel.Domain;
using GraphQL.Types;

namespace ErsouIntel.Api.GraphQL;

public sealed class ForceGraphType : EnumerationGraphType<Force>
{
    public ForceGraphType()
    {
        Name = "Force";
        Description = "The six forces of the eastern region.";
    }
}
