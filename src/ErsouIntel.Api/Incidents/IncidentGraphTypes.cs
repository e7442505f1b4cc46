using ErsouIntel.Api.Access;
using ErsouIntel.Api.Cases;
using ErsouIntel.Api.Cases.Reading;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Api.Links;
using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Incidents;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Incidents;

public sealed class GradingInputGraphType : InputObjectGraphType<GradingReport>
{
    public GradingInputGraphType()
    {
        Name = "GradingInput";
        Field<NonNullGraphType<EnumerationGraphType<SourceEvaluation>>>("source");
        Field<NonNullGraphType<EnumerationGraphType<IntelligenceAssessment>>>("intelligence");
        Field<NonNullGraphType<EnumerationGraphType<HandlingCode>>>("handling");
        Field<StringGraphType>("conditions").Description("Required with handling C: the conditions travel with the record.");
    }
}

public sealed class LocationInputGraphType : InputObjectGraphType<LocationReport>
{
    public LocationInputGraphType()
    {
        Name = "LocationInput";
        Field<StringGraphType>("town");
        Field<StringGraphType>("district");
        Field<StringGraphType>("postcodeDistrict").Description("The outward part of a postcode, such as WD19.");
    }
}

public sealed class PhoneNumberInputGraphType : InputObjectGraphType<PhoneNumberReport>
{
    public PhoneNumberInputGraphType()
    {
        Name = "PhoneNumberInput";
        Field<NonNullGraphType<StringGraphType>>("number").Description("Any usual spelling; stored in E.164 (default region GB).");
        Field<NonNullGraphType<EnumerationGraphType<PhoneRole>>>("role");
    }
}

public sealed class CourierInputGraphType : InputObjectGraphType<CourierReport>
{
    public CourierInputGraphType()
    {
        Name = "CourierInput";
        Field<StringGraphType>("name");
        Field<ContractDateGraphType>("dateOfBirth");
        Field<StringGraphType>("description").Description("Never used to join couriers across incidents.");
        Field<StringGraphType>("vehicleRegistration");
        Field<StringGraphType>("pncId");
    }
}

public sealed class SuspectInputGraphType : InputObjectGraphType<SuspectReport>
{
    public SuspectInputGraphType()
    {
        Name = "SuspectInput";
        Field<StringGraphType>("name");
        Field<ContractDateGraphType>("dateOfBirth");
        Field<StringGraphType>("pncId");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("aliases");
    }
}

public sealed class ReportIncidentInputGraphType : InputObjectGraphType<IncidentReport>
{
    public ReportIncidentInputGraphType()
    {
        Name = "ReportIncidentInput";
        Field<NonNullGraphType<StringGraphType>>("forceReference").Description("The force's own record reference; unique within the force.");
        Field<NonNullGraphType<ContractDateTimeGraphType>>("occurredAt");
        Field<NonNullGraphType<EnumerationGraphType<IncidentCategory>>>("category");
        Field<EnumerationGraphType<Impersonation>>("impersonated");
        Field<ListGraphType<NonNullGraphType<EnumerationGraphType<LossType>>>>("lossTypes");
        Field<LocationInputGraphType>("location");
        Field<StringGraphType>("victimAgeBand").Description("A band such as 80-89; victims are never named.");
        Field<StringGraphType>("summary");
        Field<ListGraphType<NonNullGraphType<PhoneNumberInputGraphType>>>("phoneNumbers");
        Field<ListGraphType<NonNullGraphType<CourierInputGraphType>>>("couriers");
        Field<ListGraphType<NonNullGraphType<SuspectInputGraphType>>>("suspects");
        Field<NonNullGraphType<GradingInputGraphType>>("grading");
    }
}

public sealed record RetractIncidentInput(string ForceReference, string Reason);

public sealed class RetractIncidentInputGraphType : InputObjectGraphType<RetractIncidentInput>
{
    public RetractIncidentInputGraphType()
    {
        Name = "RetractIncidentInput";
        Field<NonNullGraphType<StringGraphType>>("forceReference");
        Field<NonNullGraphType<StringGraphType>>("reason");
    }
}

public sealed class IncidentFilterGraphType : InputObjectGraphType<IncidentFilter>
{
    public IncidentFilterGraphType()
    {
        Name = "IncidentFilter";
        Field<ForceGraphType>("force");
        Field<EnumerationGraphType<IncidentCategory>>("category");
        Field<ContractDateTimeGraphType>("occurredFrom");
        Field<ContractDateTimeGraphType>("occurredTo");
    }
}

public sealed class GradingGraphType : ObjectGraphType<Grading>
{
    public GradingGraphType()
    {
        Name = "Grading";
        Field<NonNullGraphType<EnumerationGraphType<SourceEvaluation>>>("source").Resolve(ctx => ctx.Source.Source);
        Field<NonNullGraphType<EnumerationGraphType<IntelligenceAssessment>>>("intelligence").Resolve(ctx => ctx.Source.Intelligence);
        Field<NonNullGraphType<EnumerationGraphType<HandlingCode>>>("handling").Resolve(ctx => ctx.Source.Handling);
        Field<StringGraphType>("conditions").Resolve(ctx => ctx.Source.Conditions);
    }
}

public sealed class IncidentPhoneNumberGraphType : ObjectGraphType<IncidentPhone>
{
    public IncidentPhoneNumberGraphType()
    {
        Name = "IncidentPhoneNumber";
        Field(p => p.E164);
        Field<NonNullGraphType<EnumerationGraphType<PhoneRole>>>("role").Resolve(ctx => ctx.Source.Role);
    }
}

public sealed class IncidentGraphType : ObjectGraphType<IncidentRow>
{
    public IncidentGraphType()
    {
        Name = "Incident";
        Description = "An incident reported by a force system. Shown only to callers who may see it in full.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is IncidentRow;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id.ToString());
        Field<NonNullGraphType<ForceGraphType>>("force").Resolve(ctx => ctx.Source.Force);
        Field(i => i.ForceReference);
        Field<NonNullGraphType<ContractDateTimeGraphType>>("occurredAt").Resolve(ctx => ctx.Source.Details.OccurredAt);
        Field<NonNullGraphType<ContractDateTimeGraphType>>("reportedAt").Resolve(ctx => ctx.Source.ReportedAt);
        Field<NonNullGraphType<EnumerationGraphType<IncidentCategory>>>("category").Resolve(ctx => ctx.Source.Details.Category);
        Field<EnumerationGraphType<Impersonation>>("impersonated").Resolve(ctx => ctx.Source.Details.Impersonated);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EnumerationGraphType<LossType>>>>>("lossTypes").Resolve(ctx => ctx.Source.Details.LossTypes);
        Field<StringGraphType>("summary").Resolve(ctx => ctx.Source.Details.Summary);
        Field<StringGraphType>("victimAgeBand").Resolve(ctx => ctx.Source.Details.VictimAgeBand);
        Field<StringGraphType>("town").Description("Where it happened, when the force gave it.").Resolve(ctx => ctx.Source.Details.Location?.Town);
        Field<StringGraphType>("postcodeDistrict").Resolve(ctx => ctx.Source.Details.Location?.PostcodeDistrict);
        Field<NonNullGraphType<GradingGraphType>>("grading").Resolve(ctx => ctx.Source.Details.Grading);
        Field(i => i.Retracted);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IncidentPhoneNumberGraphType>>>>("phoneNumbers").Resolve(ctx => ctx.Source.Details.PhoneNumbers);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CourierGraphType>>>>("couriers")
            .Resolve(ctx => EntityQueries.CouriersOnIncident.Load(ctx, ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SuspectGraphType>>>>("suspects")
            .Resolve(ctx => EntityQueries.SuspectsOnIncident.Load(ctx, ctx.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CaseGraphType>>>>("cases")
            .Resolve(ctx => CaseQueries.OfIncident.Load(ctx, ctx.Source.Id));
        Field(i => i.Version);
    }
}

public sealed class IncidentConnectionGraphType() : ConnectionGraphType<IncidentGraphType, IncidentRow>("Incident");

/// <summary>The answer to one report: the incident as now stored, how it was taken, or what was wrong.</summary>
public sealed record ReportIncidentPayload(Viewer ShownTo, IncidentRow? Incident, ReportOutcome? Outcome, IReadOnlyList<UserError> Errors) : IShownTo
{
    Viewer? IShownTo.ShownTo => ShownTo;
}

public sealed class ReportIncidentPayloadGraphType : ObjectGraphType<ReportIncidentPayload>
{
    public ReportIncidentPayloadGraphType()
    {
        Name = "ReportIncidentPayload";
        Field<IncidentGraphType>("incident").Resolve(ctx => ctx.Source.Incident);
        Field<EnumerationGraphType<ReportOutcome>>("outcome").Resolve(ctx => ctx.Source.Outcome);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("errors").Resolve(ctx => ctx.Source.Errors);
    }
}

public sealed record RetractIncidentPayload(Viewer ShownTo, IncidentRow? Incident, IReadOnlyList<UserError> Errors) : IShownTo
{
    Viewer? IShownTo.ShownTo => ShownTo;
}

public sealed class RetractIncidentPayloadGraphType : ObjectGraphType<RetractIncidentPayload>
{
    public RetractIncidentPayloadGraphType()
    {
        Name = "RetractIncidentPayload";
        Field<IncidentGraphType>("incident").Resolve(ctx => ctx.Source.Incident);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("errors").Resolve(ctx => ctx.Source.Errors);
    }
}
