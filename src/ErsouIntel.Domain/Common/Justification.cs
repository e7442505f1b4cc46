namespace ErsouIntel.Domain.Common;

/// <summary>
/// Why someone reads or works intelligence, as an access scope, a case or a case action gives it:
/// trimmed, 10 to 500 characters, printable text only (<see cref="TypedText"/>). The one rule for all of them.
/// </summary>
public static class Justification
{
    public const int Min = 10;
    public const int Max = 500;

    /// <summary>
    /// The trimmed text when it may be used; otherwise the code to refuse it with
    /// (<c>JUSTIFICATION_REQUIRED</c> for its length, <c>BAD_USER_INPUT</c> for a control character)
    /// and, for a control character, the sentence that says which and where.
    /// </summary>
    public static (string? Text, string? RefusedWith, string? Problem) Check(string given)
    {
        var trimmed = given.Trim();
        if (trimmed.Length is < Min or > Max)
        {
            return (null, UserErrorCodes.JustificationRequired, null);
        }

        return TypedText.Problem(trimmed, "justification") is { } problem
            ? (null, UserErrorCodes.BadUserInput, problem)
            : (trimmed, null, null);
    }
}
