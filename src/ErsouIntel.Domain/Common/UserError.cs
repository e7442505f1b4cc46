namespace ErsouIntel.Domain.Common;

/// <summary>What was wrong with a caller's input: a code, a sentence and the path of the field.</summary>
public sealed record UserError(string Code, string Message, IReadOnlyList<string> Path)
{
    public static UserError At(string code, string message, params string[] path) => new(code, message, path);
}

/// <summary>The codes a caller can act on, as the contract lists them.</summary>
public static class UserErrorCodes
{
    public const string Required = "REQUIRED";
    public const string TooLong = "TOO_LONG";
    public const string TooMany = "TOO_MANY";
    public const string OutOfRange = "OUT_OF_RANGE";
    public const string InvalidFormat = "INVALID_FORMAT";
    public const string InvalidPhoneNumber = "INVALID_PHONE_NUMBER";
    public const string NotFound = "NOT_FOUND";
    public const string Retracted = "RETRACTED";
    public const string VersionConflict = "VERSION_CONFLICT";
    public const string Forbidden = "FORBIDDEN";
    public const string CaseClosed = "CASE_CLOSED";
    public const string AlreadyMember = "ALREADY_MEMBER";
    public const string DuplicateReference = "DUPLICATE_REFERENCE";
    public const string JustificationRequired = "JUSTIFICATION_REQUIRED";

    /// <summary>Input the caller must change before sending again, such as a control character in a note.</summary>
    public const string BadUserInput = "BAD_USER_INPUT";
}
