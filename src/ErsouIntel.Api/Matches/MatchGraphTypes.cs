using ErsouIntel.Api.Cases;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Links;
using GraphQL.Types;

namespace ErsouIntel.Api.Matches;

public sealed class MatchGraphType : ObjectGraphType<Match>
{
    public MatchGraphType()
    {
        Name = "Match";
        Description = "An entity that joins incidents of two or more forces, or a new incident to an open case.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is Match;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id.ToString());
        Field<NonNullGraphType<ContractDateTimeGraphType>>("detectedAt").Resolve(ctx => ctx.Source.DetectedAt);
        Field<NonNullGraphType<EnumerationGraphType<MatchKind>>>("kind").Resolve(ctx => ctx.Source.Kind);
        Field(m => m.Key).Description("The shared value: an E.164 number, a registration, or for a courier or suspect the id of the identity key they were matched on (never the PNC ID or name behind it; entity names the person).");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ForceGraphType>>>>("forces").Resolve(ctx => ctx.Source.Forces);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RecordPointerGraphType>>>>("pointers").Resolve(ctx => MatchQueries.PointersOf.Load(ctx, ctx.Source.Id));
        Field<NonNullGraphType<LinkNodeGraphType>>("entity")
            .Description("What is shared: the number, the registration, the courier or suspect with their name. Always visible: every force the match involves has a record carrying it.")
            .Resolve(ctx => LinkNodes.OfEntity.LoadFirst(ctx, ctx.Source.Entity));
        Field<CaseGraphType>("case")
            .Description("For a match onto an open case, the case when the caller may see it.")
            .Resolve(ctx => ctx.Source.CaseId is { } id ? MatchQueries.CaseOf.LoadFirst(ctx, id) : null);
    }
}

public sealed class MatchConnectionGraphType() : ConnectionGraphType<MatchGraphType, Match>("Match");
