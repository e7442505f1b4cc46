using ErsouIntel.Api.GraphQL;
using GraphQL;

namespace ErsouIntel.Api.Links.Questions;

/// <summary>The bounded arguments of link questions: outside its range one is a clear input error, never a slow answer.</summary>
public static class LinkArguments
{
    public static int Bounded(IResolveFieldContext context, string name, int defaultValue, int min, int max)
    {
        // An explicit null (an operation passing on an unset variable) means the default.
        var value = context.GetArgument<int?>(name) ?? defaultValue;
        return value >= min && value <= max
            ? value
            : throw new ExecutionError($"{name} must be between {min} and {max}.") { Code = ErrorCodes.BadUserInput };
    }
}
