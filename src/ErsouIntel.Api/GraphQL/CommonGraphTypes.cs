using ErsouIntel.Domain.Common;
using GraphQL.Types;

namespace ErsouIntel.Api.GraphQL;

public sealed class NodeInterface : InterfaceGraphType
{
    public NodeInterface()
    {
        Name = "Node";
        Description = "Anything fetched by id. An id is never a key to contents the caller may not see.";
        Field<NonNullGraphType<IdGraphType>>("id");
    }
}

public sealed class PageInfoGraphType : ObjectGraphType<PageInfo>
{
    public PageInfoGraphType()
    {
        Name = "PageInfo";
        Field(p => p.HasNextPage);
        Field(p => p.EndCursor, nullable: true);
        Field(p => p.HasPreviousPage).Description("True exactly when the page was asked for with after.");
        Field(p => p.StartCursor, nullable: true);
    }
}

public sealed class UserErrorGraphType : ObjectGraphType<UserError>
{
    public UserErrorGraphType()
    {
        Name = "UserError";
        Description = "A problem with the input: a code to act on, a sentence to show, and the path of the field inside the input.";
        Field(e => e.Code);
        Field(e => e.Message);
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("path").Resolve(ctx => ctx.Source.Path);
    }
}

/// <summary>A Relay connection named as the contract names it (<c>IncidentConnection</c>, ...).</summary>
public class ConnectionGraphType<TNodeGraphType, TNode> : ObjectGraphType<Connection<TNode>>
    where TNodeGraphType : IGraphType
{
    public ConnectionGraphType(string name)
    {
        Name = name + "Connection";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EdgeGraphType<TNodeGraphType, TNode>>>>>("edges").Resolve(ctx => ctx.Source.Edges);
        Field<NonNullGraphType<PageInfoGraphType>>("pageInfo").Resolve(ctx => ctx.Source.PageInfo);
    }
}

public class EdgeGraphType<TNodeGraphType, TNode> : ObjectGraphType<Edge<TNode>>
    where TNodeGraphType : IGraphType
{
    public EdgeGraphType()
    {
        Name = typeof(TNode).Name switch
        {
            "IncidentRow" => "IncidentEdge",
            "CaseRow" => "CaseEdge",
            "Match" => "MatchEdge",
            "TimelineEntry" => "TimelineEdge",
            "AccessLogEntry" => "AccessLogEdge",
            "AlertView" => "AlertEdge",
            var other => other + "Edge",
        };
        Field<NonNullGraphType<TNodeGraphType>>("node").Resolve(ctx => ctx.Source.Node);
        Field(e => e.Cursor);
    }
}
