using ErsouIntel.Domain;
using GraphQL;
using Npgsql;

namespace ErsouIntel.Api.Access;

/// <summary>Whom a record is shown to; binds the parameters of <see cref="Visibility"/>.</summary>
/// <param name="SharedRecords">True for investigators: other forces' P records and case-opened records too. False for force systems: own force only.</param>
public sealed record Viewer(Force Force, string Subject, bool SharedRecords, AccessScope? Scope)
{
    public static Viewer For(AccessScope scope) => new(scope.Force, scope.Subject, true, scope);

    /// <summary>The viewer a record was read for: every record read for a viewer carries it, so nested fields never guess.</summary>
    public static Viewer Of(IResolveFieldContext context) => context.Source switch
    {
        AccessScope scope => For(scope),
        IShownTo { ShownTo: { } viewer } => viewer,
        _ => throw new InvalidOperationException($"Field {context.FieldDefinition.Name} was resolved on a record read for no viewer."),
    };

    public void Bind(NpgsqlCommand command)
    {
        command.Parameters.AddWithValue("force", Force.TenantId());
        command.Parameters.AddWithValue("subject", Subject);
        command.Parameters.AddWithValue("shared", SharedRecords);
    }

    /// <summary>Notes a record handed to this viewer, when inside an access scope.</summary>
    public void Returned(string type, Guid id, Force? force) => Scope?.Returned(type, id, force);
}

/// <summary>A record or payload that carries the viewer it was read for, so its nested fields are read for the same one.</summary>
public interface IShownTo
{
    Viewer? ShownTo { get; }
}
