using System.Reflection;
using System.Text;

namespace ErsouIntel.Benchmark;

/// <summary>The contract's operations, embedded from contract/operations: the benchmark sends exactly what callers send.</summary>
internal static class Operations
{
    public static readonly string ReportIncidents = Read("ReportIncidents.graphql");
    public static readonly string LinkedCouriers = Read("LinkedCouriers.graphql");
    public static readonly string Matches = Read("Matches.graphql");
    public static readonly string CouriersLinkedTo = Read("CouriersLinkedTo.graphql");
    public static readonly string LinkChart = Read("LinkChart.graphql");
    public static readonly string PhoneNumberProfile = Read("PhoneNumberProfile.graphql");
    public static readonly string Paths = Read("Paths.graphql");
    public static readonly string Search = Read("Search.graphql");
    public static readonly string Watch = Read("Watch.graphql");
    public static readonly string AlertStream = Read("AlertStream.graphql");
    public static readonly string AccessLogInclusionProof = Read("AccessLogInclusionProof.graphql");
    public static readonly string AccessLogConsistencyProof = Read("AccessLogConsistencyProof.graphql");

    private static string Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The operation {name} is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
