using ErsouIntel.Api.Cases.Working;
using ErsouIntel.Api.Incidents.Reporting;
using ErsouIntel.Api.Watches;
using GraphQL.Types;

namespace ErsouIntel.Api.GraphQL;

/// <summary>Every write, in the schema's order. Each field is declared and resolved in its feature's folder.</summary>
public sealed class MutationType : ObjectGraphType
{
    public MutationType()
    {
        Name = "Mutation";
        ReportIncidentField.AddTo(this);
        ReportIncidentsField.AddTo(this);
        RetractIncidentField.AddTo(this);
        OpenCaseField.AddTo(this);
        AttachIncidentToCaseField.AddTo(this);
        AddCaseNoteField.AddTo(this);
        AddCaseMemberField.AddTo(this);
        CloseCaseField.AddTo(this);
        WatchField.AddTo(this);
        UnwatchField.AddTo(this);
        Audit.Checkpoints.CosignAccessLogCheckpointField.AddTo(this);
    }
}
