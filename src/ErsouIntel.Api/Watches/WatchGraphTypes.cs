using ErsouIntel.Api.Access;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Links;
using ErsouIntel.Api.Links.Questions;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Common;
using ErsouIntel.Domain.Watches;
using GraphQL.Types;

namespace ErsouIntel.Api.Watches;

/// <summary>A watch as its watcher is shown it: its entity is read for the same viewer.</summary>
public sealed record WatchRow(Watch Watch, Viewer ShownTo) : IShownTo
{
    Viewer? IShownTo.ShownTo => ShownTo;
}

public sealed class WatchGraphType : ObjectGraphType<WatchRow>
{
    public WatchGraphType()
    {
        Name = "Watch";
        Description = "An investigator's own watch on a number, vehicle, courier or suspect. Nobody else sees or ends it.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is WatchRow;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Watch.Id.ToString());
        Field<NonNullGraphType<LinkNodeGraphType>>("entity")
            .Description("The watched entity as the link questions show it to the watcher.")
            .Resolve(ctx => LinkNodes.OfEntity.LoadFirst(ctx, new EntityNode(ctx.Source.Watch.Node, ctx.Source.Watch.NodeKind, ctx.Source.Watch.Key)));
        Field<StringGraphType>("note").Resolve(ctx => ctx.Source.Watch.Note);
        Field<NonNullGraphType<ContractDateTimeGraphType>>("createdAt").Resolve(ctx => ctx.Source.Watch.CreatedAt);
        Field<NonNullGraphType<ContractDateTimeGraphType>>("expiresAt").Resolve(ctx => ctx.Source.Watch.ExpiresAt);
    }
}

public sealed record WatchInput(EntityRef Entity, Purpose Purpose, string Justification, string? Note, DateTimeOffset? ExpiresAt);

public sealed class WatchInputGraphType : InputObjectGraphType<WatchInput>
{
    public WatchInputGraphType()
    {
        Name = "WatchInput";
        Field<NonNullGraphType<EntityRefInputGraphType>>("entity").Description("A PHONE_NUMBER, VEHICLE, COURIER or SUSPECT; not an INCIDENT.");
        Field<NonNullGraphType<EnumerationGraphType<Purpose>>>("purpose");
        Field<NonNullGraphType<StringGraphType>>("justification").Description("10 to 500 characters of printable text, as for an access scope.");
        Field<StringGraphType>("note").Description($"At most {Watch.MaxNote} characters; line feeds allowed, no other control characters.");
        Field<ContractDateTimeGraphType>("expiresAt").Description("90 days from now when left out; at most 365 days from now.");
    }
}

public sealed record WatchPayload(Viewer ShownTo, Watch? Watch, IReadOnlyList<UserError> Errors) : IShownTo
{
    Viewer? IShownTo.ShownTo => ShownTo;
}

public sealed class WatchPayloadGraphType : ObjectGraphType<WatchPayload>
{
    public WatchPayloadGraphType()
    {
        Name = "WatchPayload";
        Field<WatchGraphType>("watch").Resolve(ctx => ctx.Source.Watch is { } watch ? new WatchRow(watch, ctx.Source.ShownTo) : null);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("errors").Resolve(ctx => ctx.Source.Errors);
    }
}
