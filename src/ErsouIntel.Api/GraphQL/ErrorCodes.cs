namespace ErsouIntel.Api.GraphQL;

/// <summary>The contract's <c>extensions.code</c> values.</summary>
public static class ErrorCodes
{
    public const string Unauthenticated = "UNAUTHENTICATED";
    public const string Forbidden = "FORBIDDEN";
    public const string BadUserInput = "BAD_USER_INPUT";
    public const string JustificationRequired = "JUSTIFICATION_REQUIRED";
    public const string NotFound = "NOT_FOUND";
    public const string QueryTooComplex = "QUERY_TOO_COMPLEX";
    public const string RateLimited = "RATE_LIMITED";
    public const string Internal = "INTERNAL";
}
