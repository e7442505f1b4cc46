using ErsouIntel.Api.GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Links.Questions;

/// <summary>An incident carries an entity: an edge always joins an incident node to an entity node, by the ids served.</summary>
public sealed record LinkEdgeView(Guid Incident, string Entity, string Role);

/// <summary>A link chart: nodes nearest first, the edges between them, and whether a bound stopped it.</summary>
public sealed record LinkNetworkView(IReadOnlyList<LinkNodeView> Nodes, IReadOnlyList<LinkEdgeView> Edges, bool Truncated);

/// <summary>One path between two entities: its nodes from start to end, the edges along it, and the incidents it passes.</summary>
public sealed record LinkPathView(int Hops, IReadOnlyList<LinkNodeView> Nodes, IReadOnlyList<LinkEdgeView> Edges);

/// <summary>A search hit: the node, and which of its fields the text matched.</summary>
public sealed record SearchHitView(LinkNodeView Node, string MatchedOn);

/// <summary>A page of <c>couriersLinkedTo</c>: the edges, and how much the walk found (<c>totalCount</c>) and whether it went the whole way (<c>complete</c>).</summary>
public sealed record CourierLinkPage(IReadOnlyList<Edge<CourierLink>> Edges, PageInfo PageInfo, int TotalCount, bool Complete);

public sealed class LinkEdgeGraphType : ObjectGraphType<LinkEdgeView>
{
    public LinkEdgeGraphType()
    {
        Name = "LinkEdge";
        Description = "An incident carries an entity: edges always join an INCIDENT node to an entity node.";
        Field<NonNullGraphType<IdGraphType>>("incident").Resolve(ctx => ctx.Source.Incident.ToString());
        Field<NonNullGraphType<IdGraphType>>("entity").Resolve(ctx => ctx.Source.Entity);
        Field(e => e.Role).Description("CALLER, CALLBACK, ... for numbers; COURIER, SUSPECT, VEHICLE; WITHHELD on an edge from a withheld incident.");
    }
}

public sealed class LinkNetworkGraphType : ObjectGraphType<LinkNetworkView>
{
    public LinkNetworkGraphType()
    {
        Name = "LinkNetwork";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<LinkNodeGraphType>>>>("nodes").Resolve(ctx => ctx.Source.Nodes);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<LinkEdgeGraphType>>>>("edges").Resolve(ctx => ctx.Source.Edges);
        Field(n => n.Truncated).Description("True when maxNodes or the walk bound stopped the expansion.");
    }
}

public sealed class LinkPathGraphType : ObjectGraphType<LinkPathView>
{
    public LinkPathGraphType()
    {
        Name = "LinkPath";
        Field(p => p.Hops);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<LinkNodeGraphType>>>>("nodes").Resolve(ctx => ctx.Source.Nodes);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<LinkEdgeGraphType>>>>("edges").Resolve(ctx => ctx.Source.Edges);
    }
}

public sealed class SearchHitGraphType : ObjectGraphType<SearchHitView>
{
    public SearchHitGraphType()
    {
        Name = "SearchHit";
        Field<NonNullGraphType<LinkNodeGraphType>>("node").Resolve(ctx => ctx.Source.Node);
        Field(h => h.MatchedOn).Description("Which field matched: E164, REGISTRATION, PNC_ID, NAME, FORCE_REFERENCE, ID.");
    }
}

public sealed class CourierLinkEdgeGraphType : ObjectGraphType<Edge<CourierLink>>
{
    public CourierLinkEdgeGraphType()
    {
        Name = "CourierLinkEdge";
        Field<NonNullGraphType<CourierLinkGraphType>>("node").Resolve(ctx => ctx.Source.Node);
        Field(e => e.Cursor);
    }
}

public sealed class CourierLinkConnectionGraphType : ObjectGraphType<CourierLinkPage>
{
    public CourierLinkConnectionGraphType()
    {
        Name = "CourierLinkConnection";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CourierLinkEdgeGraphType>>>>("edges").Resolve(ctx => ctx.Source.Edges);
        Field<NonNullGraphType<PageInfoGraphType>>("pageInfo").Resolve(ctx => ctx.Source.PageInfo);
        Field(c => c.TotalCount).Description("Every courier the walk found within maxHops, withheld links included.");
        Field(c => c.Complete).Description("False when the walk stopped at the service's bound; totalCount and later pages then cover what was walked.");
    }
}
