using System.Globalization;
using System.Text;

namespace ErsouIntel.Domain.Common;

/// <summary>
/// Text a person types that ends up in the access log or on a case (justifications, operation
/// names, notes). Whoever shows it raw (a terminal, a CSV, a log viewer) must not be handed the
/// caller's escape sequences or line breaks, so it holds no control characters; a note may hold
/// line feeds, because a note is written in paragraphs.
/// </summary>
public static class TypedText
{
    /// <summary>The position of the first control character not allowed, or null when there is none.</summary>
    public static int? FirstControlCharacter(string text, bool lineFeedsAllowed = false)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsControl(text[i]) && !(lineFeedsAllowed && text[i] == '\n'))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>
    /// The error for <paramref name="field"/> when its text holds a control character: the code the
    /// contract gives input a caller must fix, and which character where, so that it can be found.
    /// </summary>
    public static UserError? Check(string text, string field, bool lineFeedsAllowed = false) =>
        FirstControlCharacter(text, lineFeedsAllowed) is { } at
            ? UserError.At(UserErrorCodes.BadUserInput, Describe(text, field, at, lineFeedsAllowed), field)
            : null;

    /// <summary>The message of <see cref="Check"/>, for callers that answer with a GraphQL error instead of a payload error.</summary>
    public static string? Problem(string text, string field, bool lineFeedsAllowed = false) =>
        FirstControlCharacter(text, lineFeedsAllowed) is { } at ? Describe(text, field, at, lineFeedsAllowed) : null;

    /// <summary>
    /// The text with every control character replaced by a visible stand-in (U+2400 to U+2421, the
    /// Control Pictures, and U+FFFD for the C1 controls), cut to <paramref name="max"/> characters:
    /// how refused text is kept in the log, readable and harmless to show.
    /// </summary>
    public static string MadeSafe(string text, int max)
    {
        var safe = new StringBuilder(Math.Min(text.Length, max));
        foreach (var c in text)
        {
            if (safe.Length == max)
            {
                break;
            }

            safe.Append(c switch
            {
                < '\u0020' => (char)('\u2400' + c),
                '\u007F' => '\u2421',
                _ when char.IsControl(c) => '\uFFFD',
                _ => c,
            });
        }

        // A cut between the two halves of a surrogate pair would leave text that is not Unicode.
        if (safe.Length > 0 && char.IsHighSurrogate(safe[^1]))
        {
            safe.Length--;
        }

        return safe.ToString();
    }

    private static string Describe(string text, string field, int at, bool lineFeedsAllowed) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{field} holds a control character (U+{(int)text[at]:X4} at position {at + 1}); {(lineFeedsAllowed ? "only line feeds and printable text are" : "only printable text is")} allowed.");
}
