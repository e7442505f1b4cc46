using ErsouIntel.Api.Hosting;

namespace ErsouIntel.Api.Tests.Infrastructure;

/// <summary>The operations of <c>contract/operations/</c>, exactly as the callers send them.</summary>
public static class ContractOperations
{
    public static string Folder { get; } = Path.Combine(RepositoryRoot.Find()!, "contract", "operations");

    public static IEnumerable<string> Names => Directory.GetFiles(Folder, "*.graphql").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static string Text(string name) => File.ReadAllText(Path.Combine(Folder, name + ".graphql"));

    public const string ReportIncident = nameof(ReportIncident);
    public const string ReportIncidents = nameof(ReportIncidents);
    public const string RetractIncident = nameof(RetractIncident);
    public const string Incident = nameof(Incident);
    public const string Incidents = nameof(Incidents);
    public const string LinkedCouriers = nameof(LinkedCouriers);
    public const string PhoneNumberProfile = nameof(PhoneNumberProfile);
    public const string Matches = nameof(Matches);
    public const string OpenCase = nameof(OpenCase);
    public const string AttachIncident = nameof(AttachIncident);
    public const string AddCaseNote = nameof(AddCaseNote);
    public const string AddCaseMember = nameof(AddCaseMember);
    public const string CloseCase = nameof(CloseCase);
    public const string CaseTimeline = nameof(CaseTimeline);
    public const string Watch = nameof(Watch);
    public const string Unwatch = nameof(Unwatch);
    public const string Me = nameof(Me);
}
