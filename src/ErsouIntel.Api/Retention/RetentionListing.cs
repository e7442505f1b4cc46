using System.Globalization;
using System.Text;
using ErsouIntel.Api.Audit;
using ErsouIntel.Api.Audit.Writing;
using ErsouIntel.Api.Cases.Reading;
using ErsouIntel.Api.Hosting;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Incidents;
using Npgsql;

namespace ErsouIntel.Api.Retention;

/// <summary>
/// When a record is due for review under Management of Police Information (MoPI): its review
/// date is its starting date plus a number of years. An incident starts from when it occurred
/// (an amendment does not restart the clock), a case from when it was opened. The years are
/// settings (section <c>Retention</c>), per incident category where a force's records manager
/// says so; the defaults are placeholders to be confirmed by them, not MoPI's groups, which the
/// service cannot tell apart (it holds no offence or conviction data).
/// </summary>
public sealed class RetentionRules
{
    public const string Section = "Retention";

    /// <summary>Years from an incident's <c>occurredAt</c> to its review date.</summary>
    public int IncidentReviewYears { get; set; } = 6;

    /// <summary>Per category (as in the schema, <c>COURIER_FRAUD</c>, or <c>CourierFraud</c>): years that replace <see cref="IncidentReviewYears"/>.</summary>
    public Dictionary<string, int> IncidentReviewYearsByCategory { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Years from a case's opening to its review date.</summary>
    public int CaseReviewYears { get; set; } = 6;

    /// <summary>Refuses rules that would list everything or nothing by mistake.</summary>
    public void Validate()
    {
        foreach (var (name, years) in IncidentReviewYearsByCategory.Append(new("IncidentReviewYears", IncidentReviewYears)).Append(new("CaseReviewYears", CaseReviewYears)))
        {
            if (years is < 1 or > 100)
            {
                throw new ArgumentException($"Retention setting {name} is {years}: review periods are 1 to 100 years.");
            }
        }

        foreach (var category in IncidentReviewYearsByCategory.Keys)
        {
            if (!Enum.GetNames<IncidentCategory>().Any(c => Key(c) == Key(category)))
            {
                throw new ArgumentException($"Retention setting IncidentReviewYearsByCategory names '{category}', which is not an incident category.");
            }
        }
    }

    /// <summary>A category as compared: letters only, lower case (<c>COURIER_FRAUD</c> and <c>CourierFraud</c> are one).</summary>
    internal static string Key(string category) => category.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
}

/// <summary>One record due for review: ids and dates, never its contents.</summary>
public sealed record DueForReview(string Kind, string Force, string Reference, Guid Id, DateOnly ReviewOn, string Why);

/// <summary>
/// <c>retention [--as-of DATE] [--force FORCE] [--file FILE] [--operator NAME]</c>: the incidents
/// and cases whose review date is on or before a day, for the force's records manager to review.
/// One CSV line per record (kind, force, reference, id, review date, why); no names, numbers,
/// places or summaries. The listing is itself a consultation of those records and is written to
/// the access log (one CONSULTATION entry per force, naming the records; one without records when
/// nothing is due), before anything is printed.
/// </summary>
public static class RetentionListing
{
    public const string Usage = """
        retention [--as-of YYYY-MM-DD] [--force FORCE] [--file FILE] [--operator NAME]
            records whose review date is on or before --as-of (default today, UTC), as CSV on standard output or in FILE
            FORCE: one force's records only (incidents it owns, cases it leads); NAME: who is listing, for the access log
            review periods: settings Retention:IncidentReviewYears, Retention:IncidentReviewYearsByCategory:<CATEGORY>, Retention:CaseReviewYears (docs/operations.md)
        """;

    public const string Operation = "retention";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error, CancellationToken cancellation = default)
    {
        DateOnly asOf;
        Force? force = null;
        string? file;
        string operatorName;
        RetentionRules rules;
        try
        {
            var options = CommandOptions.Parse(args, refuseRepeats: true);
            foreach (var name in options.Names.Where(k => k is not ("as-of" or "force" or "file" or "operator")))
            {
                throw new ArgumentException($"Unknown option --{name}.");
            }

            asOf = options.TryGetValue("as-of", out var a)
                ? DateOnly.TryParseExact(a, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : throw new ArgumentException($"--as-of '{a}' is not a date written YYYY-MM-DD.")
                : DateOnly.FromDateTime(services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
            if (options.TryGetValue("force", out var f))
            {
                force = Forces.TryParse(f, out var parsed) ? parsed : throw new ArgumentException($"--force '{f}' is not a force: one of {string.Join(", ", Forces.All.Select(x => x.TenantId()))}.");
            }

            file = options.GetValueOrDefault("file");
            if (file is not null && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder && !Directory.Exists(folder))
            {
                throw new ArgumentException($"--file: there is no folder {folder}.");
            }

            operatorName = options.GetValueOrDefault("operator") ?? Environment.UserName;
            rules = services.GetRequiredService<IConfiguration>().GetSection(RetentionRules.Section).Get<RetentionRules>() ?? new RetentionRules();
            rules.Validate();
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"retention: {e.Message}");
            await error.WriteLineAsync(Usage);
            return 2;
        }

        var due = await DueAsync(services.GetRequiredService<NpgsqlDataSource>(), rules, asOf, force, cancellation);

        // Accountable first: if the log cannot be written, nothing is shown.
        await services.GetRequiredService<AccessLogWriter>().AppendAsync(EntriesFor(operatorName, force, due), cancellation);

        var csv = new StringBuilder();
        csv.Append("kind,force,reference,id,review_on,why\n");
        foreach (var record in due)
        {
            csv.Append(Csv(record.Kind)).Append(',').Append(Csv(record.Force)).Append(',').Append(Csv(record.Reference)).Append(',')
                .Append(record.Id.ToString("D")).Append(',').Append(record.ReviewOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                .Append(Csv(record.Why)).Append('\n');
        }

        if (file is null)
        {
            await output.WriteAsync(csv.ToString());
        }
        else
        {
            await File.WriteAllTextAsync(file, csv.ToString(), new UTF8Encoding(false), cancellation);
        }

        await error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"retention: {due.Count(d => d.Kind == "incident")} incidents and {due.Count(d => d.Kind == "case")} cases due for review on or before {asOf:yyyy-MM-dd}{(force is { } one ? $" ({one.TenantId()})" : string.Empty)}{(file is null ? string.Empty : $", written to {file}")}"));
        return 0;
    }

    /// <summary>The records due for review on or before <paramref name="asOf"/>, earliest first.</summary>
    public static async Task<IReadOnlyList<DueForReview>> DueAsync(NpgsqlDataSource db, RetentionRules rules, DateOnly asOf, Force? force, CancellationToken cancellation)
    {
        var due = new List<DueForReview>();
        await using var connection = await db.OpenConnectionAsync(cancellation);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellation);
        await using (var incidents = new NpgsqlCommand(
            """
            with rules(category, years) as (select * from unnest($1::text[], $2::int[]))
            select i.force, i.force_reference, i.id, i.category, i.handling, i.retracted, (i.occurred_at at time zone 'UTC')::date, d.review_on
            from ersou.li_incidents i
            left join rules r on r.category = lower(replace(i.category, '_', ''))
            cross join lateral (select coalesce(r.years, $3) as years) y
            cross join lateral (select ((i.occurred_at at time zone 'UTC') + make_interval(years => y.years))::date as review_on) d
            where d.review_on <= $4 and ($5::text is null or i.force = $5)
            order by d.review_on, i.force, i.force_reference
            """, connection, transaction))
        {
            incidents.Parameters.AddWithValue(rules.IncidentReviewYearsByCategory.Keys.Select(RetentionRules.Key).ToArray());
            incidents.Parameters.AddWithValue(rules.IncidentReviewYearsByCategory.Values.ToArray());
            incidents.Parameters.AddWithValue(rules.IncidentReviewYears);
            incidents.Parameters.AddWithValue(asOf);
            incidents.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)force?.TenantId() ?? DBNull.Value);
            await using var reader = await incidents.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                var occurred = reader.GetFieldValue<DateOnly>(6);
                var reviewOn = reader.GetFieldValue<DateOnly>(7);
                var years = reviewOn.Year - occurred.Year;
                var why = string.Create(CultureInfo.InvariantCulture,
                    $"occurred {occurred:yyyy-MM-dd}; category {reader.GetString(3)} reviewed {years} years after; handling {reader.GetString(4)}{(reader.GetBoolean(5) ? "; retracted" : string.Empty)}");
                due.Add(new DueForReview("incident", reader.GetString(0), reader.GetString(1), reader.GetGuid(2), reviewOn, why));
            }
        }

        await using (var cases = new NpgsqlCommand(
            """
            select c.lead_force, c.reference, c.id, c.status, (c.opened_at at time zone 'UTC')::date, ((c.opened_at at time zone 'UTC') + make_interval(years => $1))::date as review_on
            from ersou.li_cases c
            where ((c.opened_at at time zone 'UTC') + make_interval(years => $1))::date <= $2 and ($3::text is null or c.lead_force = $3)
            order by review_on, c.lead_force, c.reference
            """, connection, transaction))
        {
            cases.Parameters.AddWithValue(rules.CaseReviewYears);
            cases.Parameters.AddWithValue(asOf);
            cases.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)force?.TenantId() ?? DBNull.Value);
            await using var reader = await cases.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
            {
                var why = string.Create(CultureInfo.InvariantCulture,
                    $"opened {reader.GetFieldValue<DateOnly>(4):yyyy-MM-dd}; cases reviewed {rules.CaseReviewYears} years after; status {reader.GetString(3)}");
                due.Add(new DueForReview("case", reader.GetString(0), reader.GetString(1), reader.GetGuid(2), reader.GetFieldValue<DateOnly>(5), why));
            }
        }

        await transaction.CommitAsync(cancellation);
        return due;
    }

    /// <summary>One CONSULTATION per force listed, naming its records; one without records when nothing was due, so the listing itself is on record.</summary>
    public static IReadOnlyList<PendingEntry> EntriesFor(string operatorName, Force? force, IReadOnlyList<DueForReview> due)
    {
        var entries = due.GroupBy(d => Forces.FromTenantId(d.Force)).OrderBy(g => g.Key).Select(g => Entry(operatorName, g.Key,
            g.Select(d => new LoggedRecord(d.Kind == "case" ? CaseQueries.RecordType : IncidentQueries.RecordType, d.Id.ToString("D"), g.Key)))).ToList();
        return entries.Count > 0 ? entries : [Entry(operatorName, force, [])];
    }

    private static PendingEntry Entry(string operatorName, Force? force, IEnumerable<LoggedRecord> records) => new(
        $"operator:{operatorName}",
        force,
        [Incidents.Importing.BulkImport.Role],
        null,
        AccessKind.Consultation,
        Operation,
        null,
        "MoPI review: records due for review",
        records.OrderBy(r => r.Type, StringComparer.Ordinal).ThenBy(r => r.Id, StringComparer.Ordinal).ToList());

    private static string Csv(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
