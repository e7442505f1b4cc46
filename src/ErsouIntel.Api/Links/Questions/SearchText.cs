using System.Text;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Common;

namespace ErsouIntel.Api.Links.Questions;

/// <summary>
/// What one search text can be, read once: a phone number, a registration, a PNC ID, a force
/// reference, an id the service gave, and the words of a name. A text is tried as every one of them
/// at once (a registration and a name word can be spelt alike), so the reading decides nothing but
/// spellings; the index lookups decide what exists.
/// </summary>
public sealed record SearchText(string Text, string? E164, string? Registration, string? PncId, Guid? Id, IReadOnlyList<string> Words)
{
    public const int MinLength = 3;

    /// <summary>Longer than any identifier or name worth typing; the text also reaches the access log's neighbours (errors, traces).</summary>
    public const int MaxLength = 100;

    /// <summary>Words of a name matched at once; more narrow nothing a person would type.</summary>
    public const int MaxWords = 6;

    /// <summary>The key of a PNC ID in <c>li_entity_keys</c>.</summary>
    public string? PncKey => PncId is null ? null : "pnc:" + PncId;

    /// <summary>
    /// The words as a text-search query, each a prefix (<c>dan:* &amp; pri:*</c>), or null when there is
    /// no name to look for. Every word is letters and digits only, so none can carry the query
    /// language's operators; PostgreSQL lower-cases it as it does the names it indexed.
    /// </summary>
    public string? NameQuery => Words.Count == 0 ? null : string.Join(" & ", Words.Select(w => w + ":*"));

    /// <summary>The text read every way it can be, or the reason it cannot be searched for (a BAD_USER_INPUT message).</summary>
    public static (SearchText? Text, string? Problem) Read(string raw)
    {
        if (TypedText.Problem(raw, "text") is { } control)
        {
            return (null, control);
        }

        var text = raw.Trim();
        if (text.Length is < MinLength or > MaxLength)
        {
            return (null, $"text must be between {MinLength} and {MaxLength} characters, white space at either end left out.");
        }

        var id = Guid.TryParse(text, out var parsed) ? parsed : (Guid?)null;
        return (new SearchText(
            text,
            Normalise.PhoneNumber(text),
            Normalise.VehicleRegistration(text),
            Normalise.PncId(text),
            id,
            // An id is looked for as an id only: its hex groups are no one's name.
            id is null ? WordsOf(text) : []), null);
    }

    /// <summary>The runs of letters and digits, in order, each once: how a name is split into words to match.</summary>
    public static IReadOnlyList<string> WordsOf(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text.Append(' '))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                var found = word.ToString();
                word.Clear();
                if (!words.Contains(found, StringComparer.OrdinalIgnoreCase))
                {
                    words.Add(found);
                }
            }
        }

        return words.Take(MaxWords).ToList();
    }
}
