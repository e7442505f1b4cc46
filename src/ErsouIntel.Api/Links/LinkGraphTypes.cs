using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Incidents;
using ErsouIntel.Api.Incidents.Reading;
using ErsouIntel.Domain.Incidents;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Links;

public sealed class CourierGraphType : ObjectGraphType<EntityView>
{
    public CourierGraphType()
    {
        Name = "Courier";
        Description = "A courier, one person across incidents and forces when PNC ID or name with date of birth match. Built only from records the caller sees in full.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is EntityView { Kind: EntityView.Courier };
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id.ToString());
        Field<StringGraphType>("name").Description("The spelling on the newest record the caller sees in full that gives one.").Resolve(ctx => ctx.Source.Name);
        Field<StringGraphType>("description").Resolve(ctx => ctx.Source.Description);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("vehicleRegistrations").Resolve(ctx => ctx.Source.VehicleRegistrations);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ForceGraphType>>>>("forces").Resolve(ctx => ctx.Source.Forces);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IncidentGraphType>>>>("incidents")
            .Resolve(ctx => IncidentQueries.ById.Load(ctx, ctx.Source.IncidentIds));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("aliases")
            .Description("Distinct spellings of the name in records the caller sees in full, white space collapsed, first seen first.")
            .Resolve(ctx => ctx.Source.Aliases);
    }
}

public sealed class SuspectGraphType : ObjectGraphType<EntityView>
{
    public SuspectGraphType()
    {
        Name = "Suspect";
        Interface<NodeInterface>();
        IsTypeOf = o => o is EntityView { Kind: EntityView.Suspect };
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id.ToString());
        Field<StringGraphType>("name").Resolve(ctx => ctx.Source.Name);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ForceGraphType>>>>("forces").Resolve(ctx => ctx.Source.Forces);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IncidentGraphType>>>>("incidents")
            .Resolve(ctx => IncidentQueries.ById.Load(ctx, ctx.Source.IncidentIds));
    }
}

public sealed class RecordPointerGraphType : ObjectGraphType<RecordPointer>
{
    public RecordPointerGraphType()
    {
        Name = "RecordPointer";
        Description = "Enough to ask the owning force about a record: its force, reference and handling code.";
        Field<NonNullGraphType<ForceGraphType>>("force").Resolve(ctx => ctx.Source.Force);
        Field(p => p.ForceReference);
        Field<NonNullGraphType<EnumerationGraphType<HandlingCode>>>("handling").Resolve(ctx => ctx.Source.Handling);
    }
}

public sealed class CourierLinkGraphType : ObjectGraphType<CourierLink>
{
    public CourierLinkGraphType()
    {
        Name = "CourierLink";
        Field<CourierGraphType>("courier").Description("Null when withheld.").Resolve(ctx => ctx.Source.Courier);
        Field(l => l.Withheld).Description("True: the caller may learn only that a match exists, and where.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ForceGraphType>>>>("forces").Resolve(ctx => ctx.Source.Forces);
        Field(l => l.Hops).Description("1 = on the same incident as the phone number.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RecordPointerGraphType>>>>("pointers")
            .Description("Every incident on the shortest path(s) that link this courier.")
            .Resolve(ctx => ctx.Source.Pointers);
        Field<ContractDateTimeGraphType>("lastSeen")
            .Description("Newest occurredAt among the linking incidents the caller sees in full; null when withheld.")
            .Resolve(ctx => ctx.Source.LastSeen);
    }
}

public sealed class PhoneNumberProfileGraphType : ObjectGraphType<PhoneNumberProfile>
{
    public PhoneNumberProfileGraphType()
    {
        Name = "PhoneNumberProfile";
        Field(p => p.E164);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ForceGraphType>>>>("forces").Resolve(ctx => ctx.Source.Forces);
        Field<NonNullGraphType<ContractDateTimeGraphType>>("firstSeen").Resolve(ctx => ctx.Source.FirstSeen);
        Field<NonNullGraphType<ContractDateTimeGraphType>>("lastSeen").Resolve(ctx => ctx.Source.LastSeen);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IncidentGraphType>>>>("incidents").Description("Only those the caller may see.").Resolve(ctx => ctx.Source.Incidents);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RecordPointerGraphType>>>>("pointers").Description("All linking incidents, including withheld ones.").Resolve(ctx => ctx.Source.Pointers);
    }
}
