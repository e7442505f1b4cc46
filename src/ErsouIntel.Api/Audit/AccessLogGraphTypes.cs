using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit.Reading;
using ErsouIntel.Api.Audit.Verifying;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Domain;
using GraphQL.Types;

namespace ErsouIntel.Api.Audit;

public sealed class AccessKindGraphType : EnumerationGraphType<AccessKind>
{
    public AccessKindGraphType()
    {
        Name = "AccessKind";
        Description = "The kinds of processing the Data Protection Act 2018 s.62 asks to be logged.";
    }
}

public sealed class AccessedRecordGraphType : ObjectGraphType<LoggedRecord>
{
    public AccessedRecordGraphType()
    {
        Name = "AccessedRecord";
        Description = "A record named by an access-log entry: its type, id and owning force, never its contents.";
        Field(r => r.Type);
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<ForceGraphType>("force").Resolve(ctx => ctx.Source.Force);
    }
}

public sealed class AccessLogEntryGraphType : ObjectGraphType<AccessLogEntry>
{
    public AccessLogEntryGraphType()
    {
        Name = "AccessLogEntry";
        Description = "One entry of the access log. Its hash covers the entry and previousHash (docs/security.md).";
        Field<NonNullGraphType<LongGraphType>>("sequence").Resolve(ctx => ctx.Source.Sequence);
        Field<NonNullGraphType<ContractDateTimeGraphType>>("at").Resolve(ctx => ctx.Source.At);
        Field(e => e.Subject).Description("The username, or the client id of a force system.");
        Field<ForceGraphType>("force").Resolve(ctx => ctx.Source.Force);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("roles").Resolve(ctx => ctx.Source.Roles);
        Field<NonNullGraphType<AccessKindGraphType>>("kind").Resolve(ctx => ctx.Source.Kind);
        Field<StringGraphType>("operation").Description("The GraphQL operation name, when given.").Resolve(ctx => ctx.Source.Operation);
        Field<EnumerationGraphType<Purpose>>("purpose").Resolve(ctx => ctx.Source.Purpose);
        Field<StringGraphType>("justification").Resolve(ctx => ctx.Source.Justification);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AccessedRecordGraphType>>>>("records").Resolve(ctx => ctx.Source.Records);
        Field(e => e.PreviousHash);
        Field(e => e.Hash);
        Field<NonNullGraphType<StringGraphType>>("leafHash")
            .Description("Base64 SHA-256(0x00 || the entry's canonical bytes): its leaf in the log's Merkle tree (docs/security.md).")
            .Resolve(ctx => Convert.ToBase64String(Tree.AccessLogTree.LeafHash(AccessLogChain.Stored(ctx.Source))));
        Field<StringGraphType>("clientId").Description("The OAuth client the token was issued to (part of the canonical bytes).").Resolve(ctx => ctx.Source.ClientId);
    }
}

public sealed class AccessLogConnectionGraphType() : ConnectionGraphType<AccessLogEntryGraphType, AccessLogEntry>("AccessLog");

public sealed class AccessLogFilterGraphType : InputObjectGraphType<AccessLogFilter>
{
    public AccessLogFilterGraphType()
    {
        Name = "AccessLogFilter";
        Description = "Every filter given must hold. force: entries made by a caller of that force or naming one of its records. from and to include their moment.";
        Field<StringGraphType>("subject");
        Field<ForceGraphType>("force");
        Field<AccessKindGraphType>("kind");
        Field<ContractDateTimeGraphType>("from");
        Field<ContractDateTimeGraphType>("to");
        Field<IdGraphType>("recordId");
    }
}

public sealed class AccessLogVerificationGraphType : ObjectGraphType<AccessLogVerification>
{
    public AccessLogVerificationGraphType()
    {
        Name = "AccessLogVerification";
        Description = "The whole chain recomputed from sequence 1: the first sequence missing, changed or not chained to the one before.";
        Field(v => v.Valid);
        Field<NonNullGraphType<LongGraphType>>("entriesChecked").Resolve(ctx => ctx.Source.EntriesChecked);
        Field<LongGraphType>("firstInvalidSequence").Resolve(ctx => ctx.Source.FirstInvalidSequence);
    }
}
