using System.Text.RegularExpressions;
using PhoneNumbers;

namespace ErsouIntel.Domain;

/// <summary>How values are compared across forces: phone numbers in E.164, registrations and PNC IDs in one spelling.</summary>
public static partial class Normalise
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>"07700 900123", "+44 7700 900123" and "447700900123" are all +447700900123. Null when it is no phone number.</summary>
    public static string? PhoneNumber(string? text, string defaultRegion = "GB")
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40)
        {
            return null;
        }

        var candidate = text.Trim();
        // "447700900123": an international number written without its plus.
        if (candidate.All(char.IsAsciiDigit) && candidate.Length > 10 && !candidate.StartsWith('0'))
        {
            candidate = "+" + candidate;
        }

        try
        {
            var parsed = Phones.Parse(candidate, defaultRegion);
            return Phones.IsValidNumber(parsed) || IsReservedForDrama(parsed) ? Phones.Format(parsed, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>
    /// Ofcom keeps 07700 900000 to 900999 for drama and training. libphonenumber calls them invalid,
    /// yet exercises use them and so do the contract's own examples ("07700 900123").
    /// </summary>
    private static bool IsReservedForDrama(PhoneNumbers.PhoneNumber number) =>
        number.CountryCode == 44 && number.NationalNumber is >= 7700900000 and <= 7700900999;

    /// <summary>Vehicle registrations compare upper-case without spaces: "ab12 cde" is "AB12CDE". Null when it cannot be one.</summary>
    public static string? VehicleRegistration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var compact = new string(text.Where(c => !char.IsWhiteSpace(c) && c != '-').Select(char.ToUpperInvariant).ToArray());
        return RegistrationPattern().IsMatch(compact) ? compact : null;
    }

    /// <summary>PNC IDs as YY/NNNNNNNL, upper case, leading zeros of the number dropped: "2019/0012345a" is "19/12345A".</summary>
    public static string? PncId(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var match = PncPattern().Match(text.Trim().ToUpperInvariant());
        if (!match.Success)
        {
            return null;
        }

        var year = match.Groups["year"].Value;
        year = year.Length == 4 ? year[2..] : year;
        var number = match.Groups["number"].Value.TrimStart('0');
        return $"{year}/{(number.Length == 0 ? "0" : number)}{match.Groups["check"].Value}";
    }

    [GeneratedRegex(@"^[A-Z0-9]{2,8}\z")]
    private static partial Regex RegistrationPattern();

    [GeneratedRegex(@"^(?<year>[0-9]{2}|[0-9]{4})\s*/\s*(?<number>[0-9]{1,7})\s*(?<check>[A-Z])\z")]
    private static partial Regex PncPattern();
}
