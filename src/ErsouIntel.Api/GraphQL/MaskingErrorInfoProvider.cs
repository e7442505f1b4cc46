using GraphQL;
using GraphQL.Execution;

namespace ErsouIntel.Api.GraphQL;

/// <summary>
/// What a client may learn from an error: the code and message of an <see cref="ExecutionError"/>
/// we threw on purpose; for anything else only <c>INTERNAL</c> and a fixed sentence. No exception
/// type, stack trace or SQL ever leaves (graphql-dotnet would otherwise name the exception's
/// type in the code).
/// </summary>
public sealed class MaskingErrorInfoProvider() : ErrorInfoProvider(new ErrorInfoProviderOptions { ExposeExceptionDetails = false, ExposeData = false })
{
    public const string InternalMessage = "Something went wrong on our side; the request was not completed.";

    public override ErrorInfo GetInfo(ExecutionError executionError)
    {
        if (executionError is UnhandledError)
        {
            var masked = new ExecutionError(InternalMessage) { Code = ErrorCodes.Internal };
            if (executionError.Locations is not null)
            {
                foreach (var location in executionError.Locations)
                {
                    masked.AddLocation(location);
                }
            }

            masked.Path = executionError.Path;
            return base.GetInfo(masked);
        }

        return base.GetInfo(executionError);
    }
}
