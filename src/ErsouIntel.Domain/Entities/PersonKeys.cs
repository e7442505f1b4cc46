using System.Globalization;
using System.Text;

namespace ErsouIntel.Domain;

/// <summary>
/// The identity keys of a person (courier or suspect): a PNC ID, or a normalised name together
/// with a date of birth. A person with neither has no key and is never merged with anyone.
/// </summary>
public static class PersonKeys
{
    public static IReadOnlyList<string> For(string? pncId, string? name, DateOnly? dateOfBirth)
    {
        var keys = new List<string>(2);
        if (!string.IsNullOrEmpty(pncId))
        {
            keys.Add("pnc:" + pncId);
        }

        var normalised = NormaliseName(name);
        if (normalised is not null && dateOfBirth is { } dob)
        {
            keys.Add($"name-dob:{normalised}|{dob:yyyy-MM-dd}");
        }

        return keys;
    }

    /// <summary>Upper case, accents dropped, punctuation gone, single spaces: "  o'Brien,  Seán " is "OBRIEN SEAN".</summary>
    public static string? NormaliseName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var decomposed = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        var pendingSpace = false;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsWhiteSpace(c) || c == '-')
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (!char.IsLetterOrDigit(c))
            {
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(Fold(char.ToUpperInvariant(c)));
        }

        return builder.Length == 0 ? null : builder.ToString();
    }

    // The service runs with invariant globalization, where Normalize(FormD) leaves "É" whole:
    // accented Latin capitals are folded by this table too, so "Seán" and "Sean" meet either way.
    private const string Accented = "ÀÁÂÃÄÅĀĂĄÇĆĈĊČĎĐÐÈÉÊËĒĔĖĘĚĜĞĠĢĤĦÌÍÎÏĨĪĬĮİĴĶĹĻĽĿŁÑŃŅŇÒÓÔÕÖØŌŎŐŔŖŘŚŜŞŠŢŤŦÙÚÛÜŨŪŬŮŰŲŴÝŶŸŹŻŽ";
    private const string Unaccented = "AAAAAAAAACCCCCDDDEEEEEEEEEGGGGHHIIIIIIIIIJKLLLLLNNNNOOOOOOOOORRRSSSSTTTUUUUUUUUUUWYYYZZZ";

    private static string Fold(char upper) => upper switch
    {
        'ß' => "SS",
        'Æ' => "AE",
        'Œ' => "OE",
        'Þ' => "TH",
        _ when Accented.IndexOf(upper, StringComparison.Ordinal) is >= 0 and var i => Unaccented[i].ToString(),
        _ => upper.ToString(),
    };
}
