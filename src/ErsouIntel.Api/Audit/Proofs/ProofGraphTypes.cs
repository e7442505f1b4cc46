using GraphQL.Types;

namespace ErsouIntel.Api.Audit.Proofs;

public sealed class InclusionProofGraphType : ObjectGraphType<InclusionProof>
{
    public InclusionProofGraphType()
    {
        Name = "InclusionProof";
        Description = "RFC 9162 inclusion proof of entry `sequence` (leaf sequence - 1) in the tree of treeSize entries; hashes in base64, nearest the leaf first.";
        Field<NonNullGraphType<LongGraphType>>("sequence").Resolve(ctx => ctx.Source.Sequence);
        Field<NonNullGraphType<LongGraphType>>("treeSize").Resolve(ctx => ctx.Source.TreeSize);
        Field<NonNullGraphType<StringGraphType>>("leafHash").Resolve(ctx => ctx.Source.LeafHash);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("path").Resolve(ctx => ctx.Source.Path);
    }
}

public sealed class ConsistencyProofGraphType : ObjectGraphType<ConsistencyProof>
{
    public ConsistencyProofGraphType()
    {
        Name = "ConsistencyProof";
        Description = "RFC 9162 consistency proof that the tree of toSize entries extends the tree of fromSize; hashes in base64.";
        Field<NonNullGraphType<LongGraphType>>("fromSize").Resolve(ctx => ctx.Source.FromSize);
        Field<NonNullGraphType<LongGraphType>>("toSize").Resolve(ctx => ctx.Source.ToSize);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("path").Resolve(ctx => ctx.Source.Path);
    }
}
