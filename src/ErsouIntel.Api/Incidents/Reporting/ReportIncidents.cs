using ErsouIntel.Api.GraphQL;
using ErsouIntel.Domain.Incidents;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Incidents.Reporting;

/// <summary><c>reportIncidents</c>: <c>reportIncident</c> for a batch, decided and written together, answered in the order given.</summary>
public static class ReportIncidentsField
{
    public static void AddTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ReportIncidentPayloadGraphType>>>>("reportIncidents")
            .Description($"Up to {IncidentReporting.MaxBatch} reports; one payload per input, in order. One bad input fails alone.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<ReportIncidentInputGraphType>>>>("inputs")
            .ResolveAsync(async ctx =>
            {
                var inputs = ctx.GetArgument<List<IncidentReport>>("inputs");
                if (inputs.Count > IncidentReporting.MaxBatch)
                {
                    throw new ExecutionError($"A batch holds at most {IncidentReporting.MaxBatch} incidents; split it.") { Code = ErrorCodes.BadUserInput };
                }

                return await ReportIncidentField.ReportAsync(ctx, inputs);
            });
}
