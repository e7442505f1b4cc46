using System.Text.RegularExpressions;
using ErsouIntel.Domain.Common;

namespace ErsouIntel.Domain.Incidents;

/// <summary>
/// Turns a report into normalised <see cref="IncidentDetails"/>, or into every field-level error
/// found, each with the path of its field inside the input. Nothing half-valid gets through.
/// </summary>
public static partial class IncidentValidation
{
    public const int MaxForceReference = 64;
    public const int MaxSummary = 4000;
    public const int MaxShortText = 200;
    public const int MaxDescription = 1000;
    public const int MaxConditions = 1000;
    public const int MaxItems = 50;

    public static (IncidentDetails? Details, IReadOnlyList<UserError> Errors) Validate(IncidentReport report, DateTimeOffset now)
    {
        var errors = new List<UserError>();
        ForceReference(report.ForceReference, errors);

        if (report.OccurredAt > now.AddDays(1))
        {
            errors.Add(UserError.At(UserErrorCodes.OutOfRange, "occurredAt is in the future.", "occurredAt"));
        }
        else if (report.OccurredAt.UtcDateTime.Year < 1950)
        {
            errors.Add(UserError.At(UserErrorCodes.OutOfRange, "occurredAt is before 1950.", "occurredAt"));
        }

        var lossTypes = Items(report.LossTypes, "lossTypes", errors).Distinct().Order().ToList();

        Location? location = null;
        if (report.Location is { } l)
        {
            var postcode = l.PostcodeDistrict?.Trim().ToUpperInvariant();
            if (postcode is { Length: > 0 } && !PostcodeDistrictPattern().IsMatch(postcode))
            {
                errors.Add(UserError.At(UserErrorCodes.InvalidFormat, "postcodeDistrict is the outward part of a postcode, such as WD19.", "location", "postcodeDistrict"));
            }

            location = new Location(
                Text(l.Town, MaxShortText, errors, "location", "town"),
                Text(l.District, MaxShortText, errors, "location", "district"),
                string.IsNullOrEmpty(postcode) ? null : postcode);
            if (location is { Town: null, District: null, PostcodeDistrict: null })
            {
                location = null;
            }
        }

        var ageBand = Text(report.VictimAgeBand, 10, errors, "victimAgeBand");
        if (ageBand is not null && !AgeBandPattern().IsMatch(ageBand))
        {
            errors.Add(UserError.At(UserErrorCodes.InvalidFormat, "victimAgeBand is a band such as 80-89 or 90+.", "victimAgeBand"));
        }

        var summary = Text(report.Summary, MaxSummary, errors, "summary");

        var phones = new List<IncidentPhone>();
        var phoneReports = Items(report.PhoneNumbers, "phoneNumbers", errors);
        for (var i = 0; i < phoneReports.Count; i++)
        {
            var e164 = Normalise.PhoneNumber(phoneReports[i].Number);
            if (e164 is null)
            {
                errors.Add(UserError.At(UserErrorCodes.InvalidPhoneNumber, "This is not a phone number (UK numbers may omit +44).", "phoneNumbers", Index(i), "number"));
                continue;
            }

            var phone = new IncidentPhone(e164, phoneReports[i].Role);
            if (!phones.Contains(phone))
            {
                phones.Add(phone);
            }
        }

        var couriers = new List<CourierSighting>();
        var courierReports = Items(report.Couriers, "couriers", errors);
        for (var i = 0; i < courierReports.Count; i++)
        {
            var c = courierReports[i];
            var at = new[] { "couriers", Index(i) };
            var name = Text(c.Name, MaxShortText, errors, [.. at, "name"]);
            var description = Text(c.Description, MaxDescription, errors, [.. at, "description"]);
            var dob = DateOfBirth(c.DateOfBirth, now, errors, [.. at, "dateOfBirth"]);
            var pnc = Pnc(c.PncId, errors, [.. at, "pncId"]);
            string? registration = null;
            if (!string.IsNullOrWhiteSpace(c.VehicleRegistration))
            {
                registration = Normalise.VehicleRegistration(c.VehicleRegistration);
                if (registration is null)
                {
                    errors.Add(UserError.At(UserErrorCodes.InvalidFormat, "vehicleRegistration is 2 to 8 letters and digits.", [.. at, "vehicleRegistration"]));
                }
            }

            // Judged on what was sent, not on what survived: a name refused as too long is an error of its own, not a missing courier.
            if (string.IsNullOrWhiteSpace(c.Name) && string.IsNullOrWhiteSpace(c.Description) && string.IsNullOrWhiteSpace(c.PncId) && string.IsNullOrWhiteSpace(c.VehicleRegistration))
            {
                errors.Add(UserError.At(UserErrorCodes.Required, "A courier needs a name, description, PNC ID or vehicle registration.", at));
                continue;
            }

            var sighting = new CourierSighting(name, dob, description, registration, pnc);
            if (!couriers.Contains(sighting))
            {
                couriers.Add(sighting);
            }
        }

        var suspects = new List<SuspectSighting>();
        var suspectReports = Items(report.Suspects, "suspects", errors);
        for (var i = 0; i < suspectReports.Count; i++)
        {
            var s = suspectReports[i];
            var at = new[] { "suspects", Index(i) };
            var name = Text(s.Name, MaxShortText, errors, [.. at, "name"]);
            var dob = DateOfBirth(s.DateOfBirth, now, errors, [.. at, "dateOfBirth"]);
            var pnc = Pnc(s.PncId, errors, [.. at, "pncId"]);
            var aliasReports = Items(s.Aliases, [.. at, "aliases"], errors);
            var aliases = new List<string>();
            for (var a = 0; a < aliasReports.Count; a++)
            {
                if (Text(aliasReports[a], MaxShortText, errors, [.. at, "aliases", Index(a)]) is { } alias && !aliases.Contains(alias))
                {
                    aliases.Add(alias);
                }
            }

            if (string.IsNullOrWhiteSpace(s.Name) && string.IsNullOrWhiteSpace(s.PncId) && (s.Aliases is null || s.Aliases.All(string.IsNullOrWhiteSpace)))
            {
                errors.Add(UserError.At(UserErrorCodes.Required, "A suspect needs a name, PNC ID or alias.", at));
                continue;
            }

            var sighting = new SuspectSighting(name, dob, pnc, aliases);
            if (!suspects.Any(x => x.Name == sighting.Name && x.DateOfBirth == sighting.DateOfBirth && x.PncId == sighting.PncId && x.Aliases.SequenceEqual(sighting.Aliases)))
            {
                suspects.Add(sighting);
            }
        }

        var conditions = Text(report.Grading.Conditions, MaxConditions, errors, "grading", "conditions");
        if (report.Grading.Handling == HandlingCode.C && string.IsNullOrWhiteSpace(report.Grading.Conditions))
        {
            errors.Add(UserError.At(UserErrorCodes.Required, "Handling code C needs its conditions, which travel with the record.", "grading", "conditions"));
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var details = new IncidentDetails(
            report.OccurredAt.ToUniversalTime(),
            report.Category,
            report.Impersonated,
            lossTypes,
            location,
            ageBand,
            summary,
            // One canonical order, so a retry that lists the same items differently is UNCHANGED.
            [.. phones.OrderBy(p => p.E164, StringComparer.Ordinal).ThenBy(p => p.Role)],
            [.. couriers.OrderBy(c => c, SightingOrder.Couriers)],
            [.. suspects.OrderBy(s => s, SightingOrder.Suspects)],
            new Grading(report.Grading.Source, report.Grading.Intelligence, report.Grading.Handling, conditions));
        return (details, errors);
    }

    /// <summary>Checks a force reference: 1 to 64 printable characters without spaces.</summary>
    public static void ForceReference(string? value, List<UserError> errors, string field = "forceReference")
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(UserError.At(UserErrorCodes.Required, "forceReference is required.", field));
        }
        else if (value.Length > MaxForceReference)
        {
            errors.Add(UserError.At(UserErrorCodes.TooLong, $"forceReference is longer than {MaxForceReference} characters.", field));
        }
        else if (!ForceReferencePattern().IsMatch(value))
        {
            errors.Add(UserError.At(UserErrorCodes.InvalidFormat, "forceReference holds letters, digits and / - _ . : # only.", field));
        }
    }

    private static string Index(int i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static IReadOnlyList<T> Items<T>(IReadOnlyList<T>? items, string field, List<UserError> errors) =>
        Items(items, [field], errors);

    private static IReadOnlyList<T> Items<T>(IReadOnlyList<T>? items, string[] path, List<UserError> errors)
    {
        if (items is null)
        {
            return [];
        }

        if (items.Count > MaxItems)
        {
            errors.Add(new UserError(UserErrorCodes.TooMany, $"At most {MaxItems} items.", path));
            return [];
        }

        return items;
    }

    /// <summary>Trims, treats blank as absent, refuses control characters and text over <paramref name="max"/>.</summary>
    private static string? Text(string? value, int max, List<UserError> errors, params string[] path)
    {
        if (value is null)
        {
            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            return null;
        }

        if (trimmed.Length > max)
        {
            errors.Add(new UserError(UserErrorCodes.TooLong, $"Longer than {max} characters.", path));
            return null;
        }

        if (trimmed.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t') || trimmed.Any(char.IsSurrogate) && !IsWellFormed(trimmed))
        {
            errors.Add(new UserError(UserErrorCodes.InvalidFormat, "Contains characters that are not text.", path));
            return null;
        }

        return trimmed;
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static DateOnly? DateOfBirth(DateOnly? value, DateTimeOffset now, List<UserError> errors, params string[] path)
    {
        if (value is not { } dob)
        {
            return null;
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (dob > today || dob < today.AddYears(-120))
        {
            errors.Add(new UserError(UserErrorCodes.OutOfRange, "dateOfBirth is in the future or more than 120 years ago.", path));
            return null;
        }

        return dob;
    }

    private static string? Pnc(string? value, List<UserError> errors, params string[] path)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var pnc = Normalise.PncId(value);
        if (pnc is null)
        {
            errors.Add(new UserError(UserErrorCodes.InvalidFormat, "pncId is written YY/NNNNNNNL, such as 19/123456A.", path));
        }

        return pnc;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9/_\-.:#]*\z")]
    private static partial Regex ForceReferencePattern();

    [GeneratedRegex(@"^[A-Z]{1,2}[0-9][A-Z0-9]?\z")]
    private static partial Regex PostcodeDistrictPattern();

    [GeneratedRegex(@"^([0-9]{1,3}-[0-9]{1,3}|[0-9]{1,3}\+)\z")]
    private static partial Regex AgeBandPattern();
}

/// <summary>A total order over sightings by every field, so equal sets of sightings list alike.</summary>
internal static class SightingOrder
{
    public static readonly IComparer<CourierSighting> Couriers = Comparer<CourierSighting>.Create((a, b) =>
        Compare([a.PncId, a.Name, a.DateOfBirth?.ToString("O", System.Globalization.CultureInfo.InvariantCulture), a.VehicleRegistration, a.Description],
                [b.PncId, b.Name, b.DateOfBirth?.ToString("O", System.Globalization.CultureInfo.InvariantCulture), b.VehicleRegistration, b.Description]));

    public static readonly IComparer<SuspectSighting> Suspects = Comparer<SuspectSighting>.Create((a, b) =>
        Compare([a.PncId, a.Name, a.DateOfBirth?.ToString("O", System.Globalization.CultureInfo.InvariantCulture), string.Join('|', a.Aliases)],
                [b.PncId, b.Name, b.DateOfBirth?.ToString("O", System.Globalization.CultureInfo.InvariantCulture), string.Join('|', b.Aliases)]));

    private static int Compare(string?[] a, string?[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            var order = string.CompareOrdinal(a[i], b[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return 0;
    }
}
