using ErsouIntel.Domain;
using GraphQL;
using Npgsql;

namespace ErsouIntel.Api.Access;

/// <summary>Whom a record is shown to; binds the parameters of <see cref="Visibility"/>.</summary>
/// <param name="SharedRecords">True for investigators: other forces' P records and case-opened records too. False for force systems: own force only.</param>
public sealed record Viewer(Force Force, string Subject, bool SharedRecords, AccessScope? Scope)
{
    public static Viewer For(AccessScope scope) => new(scope.Force, scope.Subject, true, scope);

    /// <summary>The viewer of the nearest enclosing access scope or payload; resolvers never guess one.</summary>
    public static Viewer Of(IResolveFieldContext context)
    {
        for (var current = context; current is not null; current = current.Parent)
        {
            switch (current.Source)
            {
                case AccessScope scope:
                    return For(scope);
                case IHasViewer payload:
                    return payload.Viewer;
            }
        }

        throw new InvalidOperationException($"Field {context.FieldDefinition.Name} was resolved outside an access scope or payload.");
    }

    public void Bind(NpgsqlCommand command)
    {
        command.Parameters.AddWithValue("force", Force.TenantId());
        command.Parameters.AddWithValue("subject", Subject);
        command.Parameters.AddWithValue("shared", SharedRecords);
    }

    /// <summary>Notes a record handed to this viewer, when inside an access scope.</summary>
    public void Returned(string type, Guid id, Force? force) => Scope?.Returned(type, id, force);
}

/// <summary>A payload that carries the viewer its nested records are shown to.</summary>
public interface IHasViewer
{
    Viewer Viewer { get; }
}
