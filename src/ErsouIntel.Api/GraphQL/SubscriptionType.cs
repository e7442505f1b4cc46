using ErsouIntel.Api.Alerts;
using GraphQL.Types;

namespace ErsouIntel.Api.GraphQL;

/// <summary>The root subscription type: a table of contents, one line per field (served over WebSocket and SSE).</summary>
public sealed class SubscriptionType : ObjectGraphType
{
    public SubscriptionType()
    {
        Name = "Subscription";
        AlertStreamField.AddTo(this);
    }
}
