using ErsouIntel.Api.Access;
using ErsouIntel.Api.Cases.Reading;
using ErsouIntel.Api.Cases.Timeline;
using ErsouIntel.Api.GraphQL;
using ErsouIntel.Api.Incidents;
using ErsouIntel.Domain;
using ErsouIntel.Domain.Cases;
using ErsouIntel.Domain.Common;
using GraphQL;
using GraphQL.Types;

namespace ErsouIntel.Api.Cases;

public sealed class CaseGraphType : ObjectGraphType<CaseRow>
{
    public CaseGraphType()
    {
        Name = "Case";
        Description = "A shared case. Visible to its members and to investigators of its lead force.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is CaseRow;
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id.ToString());
        Field(c => c.Reference);
        Field(c => c.Title);
        Field(c => c.OperationName, nullable: true);
        Field<NonNullGraphType<ForceGraphType>>("leadForce").Resolve(ctx => ctx.Source.LeadForce);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ForceGraphType>>>>("forces")
            .Description("The lead force and the forces of the attached incidents.")
            .Resolve(ctx => CaseQueries.ForcesOfCase.Load(ctx, (ctx.Source.Id, ctx.Source.LeadForce)));
        Field<NonNullGraphType<EnumerationGraphType<CaseStatus>>>("status").Resolve(ctx => ctx.Source.Status);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IncidentGraphType>>>>("incidents")
            .Description("The attached incidents the caller may see: every member sees all of them in full.")
            .Resolve(ctx => CaseQueries.IncidentsOfCase.Load(ctx, ctx.Source.Id));
        Field<NonNullGraphType<TimelineConnectionGraphType>>("timeline")
            .Argument<ContractDateTimeGraphType>("asOf", "Answer as the service knew it at this moment.")
            .Argument<IntGraphType>("first")
            .Argument<StringGraphType>("after")
            .ResolveAsync(async ctx => await ctx.RequestServices!.GetRequiredService<CaseTimeline>().ReadAsync(
                Viewer.Of(ctx),
                ctx.Source,
                ctx.GetArgument<DateTimeOffset?>("asOf"),
                Paging.First(ctx.GetArgument<int?>("first")),
                Paging.AfterSequence(ctx.GetArgument<string?>("after")),
                ctx.CancellationToken));
        Field(c => c.Version);
        Field<NonNullGraphType<EnumerationGraphType<Purpose>>>("purpose")
            .Description("Why the case is worked; every action on it is logged with this purpose.")
            .Resolve(ctx => ctx.Source.Purpose);
        Field(c => c.Justification)
            .Description("The case's justification, logged with every action on it that gives none of its own.");
    }
}

public sealed class CaseConnectionGraphType() : ConnectionGraphType<CaseGraphType, CaseRow>("Case");

public sealed class TimelineEntryGraphType : ObjectGraphType<TimelineEntry>
{
    public TimelineEntryGraphType()
    {
        Name = "TimelineEntry";
        Field<NonNullGraphType<ContractDateTimeGraphType>>("at").Description("When it happened in the world.").Resolve(ctx => ctx.Source.At);
        Field<NonNullGraphType<ContractDateTimeGraphType>>("recordedAt").Description("When the service learnt it.").Resolve(ctx => ctx.Source.RecordedAt);
        Field<NonNullGraphType<EnumerationGraphType<TimelineKind>>>("kind").Resolve(ctx => ctx.Source.Kind);
        Field<NonNullGraphType<ForceGraphType>>("force").Resolve(ctx => ctx.Source.Force);
        Field(e => e.Summary);
        Field<IncidentGraphType>("incident").Resolve(ctx => ctx.Source.Incident);
    }
}

public sealed class TimelineConnectionGraphType() : ConnectionGraphType<TimelineEntryGraphType, TimelineEntry>("Timeline");

public sealed record OpenCaseInput(string Reference, string Title, string? OperationName, Purpose? Purpose = null, string? Justification = null);

public sealed record AttachIncidentInput(string CaseId, string IncidentId, int? ExpectedVersion, string? Justification = null);

public sealed record AddCaseNoteInput(string CaseId, string Text, int? ExpectedVersion, string? Justification = null);

public sealed record AddCaseMemberInput(string CaseId, string Username, string? Justification = null);

public sealed record CloseCaseInput(string CaseId, string Reason, int? ExpectedVersion, string? Justification = null);

public sealed class OpenCaseInputGraphType : InputObjectGraphType<OpenCaseInput>
{
    public OpenCaseInputGraphType()
    {
        Name = "OpenCaseInput";
        Field<NonNullGraphType<StringGraphType>>("reference");
        Field<NonNullGraphType<StringGraphType>>("title");
        Field<StringGraphType>("operationName");
        Field<EnumerationGraphType<Purpose>>("purpose").Description("Why the case is worked; INVESTIGATION when left out.");
        Field<StringGraphType>("justification").Description("10 to 500 characters, logged with every action on the case; the title when left out.");
    }
}

public sealed class AttachIncidentInputGraphType : InputObjectGraphType<AttachIncidentInput>
{
    public AttachIncidentInputGraphType()
    {
        Name = "AttachIncidentInput";
        Field<NonNullGraphType<IdGraphType>>("caseId");
        Field<NonNullGraphType<IdGraphType>>("incidentId");
        Field<IntGraphType>("expectedVersion");
        Field<StringGraphType>("justification").Description("10 to 500 characters, logged with this action instead of the case's justification.");
    }
}

public sealed class AddCaseNoteInputGraphType : InputObjectGraphType<AddCaseNoteInput>
{
    public AddCaseNoteInputGraphType()
    {
        Name = "AddCaseNoteInput";
        Field<NonNullGraphType<IdGraphType>>("caseId");
        Field<NonNullGraphType<StringGraphType>>("text");
        Field<IntGraphType>("expectedVersion");
        Field<StringGraphType>("justification").Description("10 to 500 characters, logged with this action instead of the case's justification.");
    }
}

public sealed class AddCaseMemberInputGraphType : InputObjectGraphType<AddCaseMemberInput>
{
    public AddCaseMemberInputGraphType()
    {
        Name = "AddCaseMemberInput";
        Field<NonNullGraphType<IdGraphType>>("caseId");
        Field<NonNullGraphType<StringGraphType>>("username");
        Field<StringGraphType>("justification").Description("10 to 500 characters, logged with this action instead of the case's justification.");
    }
}

public sealed class CloseCaseInputGraphType : InputObjectGraphType<CloseCaseInput>
{
    public CloseCaseInputGraphType()
    {
        Name = "CloseCaseInput";
        Field<NonNullGraphType<IdGraphType>>("caseId");
        Field<NonNullGraphType<StringGraphType>>("reason");
        Field<IntGraphType>("expectedVersion");
        Field<StringGraphType>("justification").Description("10 to 500 characters, logged with this action instead of the case's justification.");
    }
}

public sealed record CasePayload(Viewer ShownTo, CaseRow? Case, IReadOnlyList<UserError> Errors) : IShownTo
{
    Viewer? IShownTo.ShownTo => ShownTo;
}

public sealed class CasePayloadGraphType : ObjectGraphType<CasePayload>
{
    public CasePayloadGraphType()
    {
        Name = "CasePayload";
        Field<CaseGraphType>("case").Resolve(ctx => ctx.Source.Case);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorGraphType>>>>("errors").Resolve(ctx => ctx.Source.Errors);
    }
}
