using ErsouIntel.Api.Alerts;
using ErsouIntel.Api.Cases.Reading;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Links;
using ErsouIntel.Api.Links.Questions;
using ErsouIntel.Api.Matches;
using ErsouIntel.Api.Watches;
using GraphQL.Types;

namespace ErsouIntel.Api.Access;

/// <summary>
/// Everything an investigator can read, and only through here: <c>access(purpose, justification)</c>
/// opens the scope, and each field below reads as the scope's viewer and notes what it returned.
/// Each field is declared and resolved in its feature's folder.
/// </summary>
public sealed class AccessScopeGraphType : ObjectGraphType<AccessScope>
{
    public AccessScopeGraphType()
    {
        Name = "AccessScope";
        Description = "Reading intelligence, for a stated purpose and justification. Everything returned here is logged.";
        IncidentByIdField.AddTo(this);
        IncidentsField.AddTo(this);
        PhoneNumberProfileField.AddTo(this);
        LinkedCouriersField.AddTo(this);
        CourierByIdField.AddTo(this);
        SuspectByIdField.AddTo(this);
        CaseByIdField.AddTo(this);
        CasesField.AddTo(this);
        MatchesField.AddTo(this);
        CouriersLinkedToField.AddTo(this);
        NetworkField.AddTo(this);
        PathsField.AddTo(this);
        SearchField.AddTo(this);
        NodeByIdField.AddTo(this);
        WatchesField.AddTo(this);
        AlertsField.AddTo(this);
    }
}
