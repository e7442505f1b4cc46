using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit.Reading;
using ErsouIntel.Api.Audit.Verifying;
using ErsouIntel.Api.Identity;
using GraphQL.Types;

namespace ErsouIntel.Api.GraphQL;

/// <summary>
/// The entry points of every read, in the schema's order. Intelligence is read only below
/// <c>access</c> (<see cref="AccessScopeGraphType"/>); each field is declared and resolved in its feature's folder.
/// </summary>
public sealed class QueryType : ObjectGraphType
{
    public QueryType()
    {
        Name = "Query";
        MeField.AddTo(this);
        OpenAccessScopeField.AddTo(this);
        AccessLogField.AddTo(this);
        VerifyAccessLogField.AddTo(this);
        Audit.Checkpoints.AccessLogCheckpointField.AddTo(this);
        Audit.Proofs.AccessLogInclusionProofField.AddTo(this);
        Audit.Proofs.AccessLogConsistencyProofField.AddTo(this);
    }
}
