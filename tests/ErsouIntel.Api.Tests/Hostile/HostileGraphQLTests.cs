using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Domain;
using Npgsql;

namespace ErsouIntel.Api.Tests.Hostile;

/// <summary>
/// A hostile client against the endpoint, one attack per test, signed in and anonymous: each
/// gets a clear error (status and <c>extensions.code</c>) within a bounded time, and the
/// service is still answering afterwards. The time bounds are generous guards against hangs,
/// not measurements.
/// </summary>
public sealed class HostileGraphQLTests(HostileGraphQLTests.Service service) : IClassFixture<HostileGraphQLTests.Service>
{
    private const string ResponseJson = "application/graphql-response+json";
    private const string TooComplex = "QUERY_TOO_COMPLEX";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private static readonly TestCaller Investigator = TestCaller.Investigator(Force.Essex);
    private static readonly TestCaller HertfordshireSystem = TestCaller.ForceSystem(Force.Hertfordshire);

    /// <summary>The service with slow clients cut off within seconds, so the slow-loris tests stay short.</summary>
    public sealed class Service : ServiceFixture
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Kestrel:Limits:MinRequestBodyDataRate:BytesPerSecond"] = "100",
            ["Kestrel:Limits:MinRequestBodyDataRate:GracePeriod"] = "00:00:02",
            ["Kestrel:Limits:RequestHeadersTimeout"] = "00:00:02",
        };

        /// <summary>Warm: the first request of a process pays for compiling the schema, which is no attack's doing.</summary>
        protected override async Task SeedAsync()
        {
            await PostAsync("{ __typename }");
            await PostAsAsync(Investigator, "{ me { subject } }");
            await PostAsAsync(HertfordshireSystem, ContractOperations.Text(ContractOperations.ReportIncident), new { input = AnIncident.Courier("WARM-1") });
        }
    }

    // ---- depth ----

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_selection_nested_past_MaxDepth_is_refused_as_too_complex(bool signedIn)
    {
        // 19 levels of introspection, which an anonymous caller may ask for too.
        var deep = "{ __schema { types { fields { type" + string.Concat(Enumerable.Repeat(" { ofType", 13)) + " { name" + new string('}', 17) + " }";

        var answer = await Timed(() => service.PostAsAsync(signedIn ? Investigator : null, deep));

        AssertRefused(answer, 400, TooComplex);
        Assert.Contains("nested", answer.Text, StringComparison.Ordinal);
    }

    public static TheoryData<string, bool> NestedDocuments => new()
    {
        { "selections", true }, { "selections", false },
        { "list values", true }, { "list values", false },
        { "object values", true }, { "object values", false },
    };

    [Theory]
    [MemberData(nameof(NestedDocuments))]
    public async Task A_document_nested_past_the_parser_depth_is_refused_as_too_complex(string nesting, bool signedIn)
    {
        const int Levels = 10_000;
        var document = nesting switch
        {
            "selections" => string.Concat(Enumerable.Repeat("{a", Levels)) + new string('}', Levels),
            "list values" => "{ __type(name: " + new string('[', Levels) + new string(']', Levels) + ") { name } }",
            _ => "{ __type(name: " + string.Concat(Enumerable.Repeat("{a:", Levels)) + "1" + new string('}', Levels) + ") { name } }",
        };

        var answer = await Timed(() => service.PostAsAsync(signedIn ? Investigator : null, document));

        AssertRefused(answer, 400, TooComplex);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Deeply_nested_JSON_variables_are_refused_as_a_bad_request(bool signedIn)
    {
        var body = "{\"query\":\"query Q($v: String) { __typename }\",\"variables\":{\"v\":" + new string('[', 10_000) + new string(']', 10_000) + "}}";

        var answer = await Timed(() => SendRawAsync(Encoding.UTF8.GetBytes(body), signedIn ? Investigator : null));

        AssertRefused(answer, 400, "BAD_REQUEST");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_chain_of_fragments_deeper_than_the_parser_allows_is_refused_not_a_stack_overflow(bool signedIn)
    {
        // Each fragment only spreads the next: 1,800 levels once spread out, in a document the parser finds flat.
        // graphql-dotnet's validation followed such a chain until the process died of a stack overflow.
        var chain = new StringBuilder("{...F0}");
        for (var i = 0; i < 1800; i++)
        {
            chain.Append(FormattableString.Invariant($" fragment F{i} on Query{{...F{i + 1}}}"));
        }

        chain.Append(" fragment F1800 on Query{__typename}");

        var answer = await Timed(() => service.PostAsAsync(signedIn ? Investigator : null, chain.ToString()));

        AssertRefused(answer, 400, TooComplex);
        await AssertStillAnswering();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Fragments_spread_inside_fragments_are_refused_without_being_spread_out(bool signedIn)
    {
        // 30 spreads per fragment, 8 fragments deep: 30^8 (6.5e11) selections once spread out, in 11 kB.
        // Both graphql-dotnet's analyser and the anonymous introspection check used to spread every one.
        var fan = new StringBuilder("{...F0}");
        for (var level = 0; level < 8; level++)
        {
            fan.Append(FormattableString.Invariant($" fragment F{level} on Query{{{string.Concat(Enumerable.Repeat($"...F{level + 1} ", 30))}}}"));
        }

        fan.Append(" fragment F8 on Query{__typename}");

        var answer = await Timed(() => service.PostAsAsync(signedIn ? Investigator : null, fan.ToString()));

        AssertRefused(answer, 400, TooComplex);
        Assert.Contains("selections", answer.Text, StringComparison.Ordinal);
    }

    // ---- aliases and repeated fields ----

    public static TheoryData<int, string, bool> AliasFloods => new()
    {
        { 3000, "__typename", true }, { 3000, "__typename", false },
        { 5000, "__typename", true }, { 5000, "__typename", false },
        { 3000, "me { subject }", true },
        { 101, "me { subject }", true },
    };

    [Theory]
    [MemberData(nameof(AliasFloods))]
    public async Task An_alias_flood_is_refused_as_too_complex(int aliases, string selection, bool signedIn)
    {
        // 5,000 is also over the document length; either way the answer is the same.
        var document = "{" + string.Concat(Enumerable.Range(0, aliases).Select(i => FormattableString.Invariant($" a{i}:{selection}"))) + "}";

        var answer = await Timed(() => service.PostAsAsync(signedIn ? Investigator : null, document));

        AssertRefused(answer, 400, TooComplex);
    }

    [Fact]
    public async Task Aliases_up_to_the_limit_are_answered()
    {
        var document = "{" + string.Concat(Enumerable.Range(0, 100).Select(i => FormattableString.Invariant($" a{i}:me {{ subject }}"))) + "}";

        var answer = await Timed(() => service.PostAsAsync(Investigator, document));

        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        Assert.Equal("essex-investigator", answer.Data?["a99"]?["subject"]?.GetValue<string>());
    }

    public static TheoryData<string, bool> RepeatedSelections => new()
    {
        { "__typename", true }, { "__typename", false },
        { "me { subject }", true },
        { "... on Query { me { subject } }", true },
    };

    [Theory]
    [MemberData(nameof(RepeatedSelections))]
    public async Task The_same_field_thousands_of_times_is_refused_before_validation_compares_every_pair(string selection, bool signedIn)
    {
        // No aliases: the fields merge into one, but checking that they may merge compares them pairwise.
        var document = "{" + string.Join(' ', Enumerable.Repeat(selection, 64 * 1024 / (selection.Length + 1) - 2)) + "}";

        var answer = await Timed(() => service.PostAsAsync(signedIn ? Investigator : null, document));

        AssertRefused(answer, 400, TooComplex);
    }

    // ---- fragment cycles ----

    public static TheoryData<string> Cycles => new()
    {
        "{ ...A } fragment A on Query { ...A }",
        "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A __typename }",
        "{ ...A } fragment A on Query { " + string.Concat(Enumerable.Repeat("...A ", 500)) + "}",
        "{ ...A } fragment A on Query { me { ...B } } fragment B on Principal { subject ...C } fragment C on Principal { ...B }",
    };

    [Theory]
    [MemberData(nameof(Cycles))]
    public async Task A_fragment_cycle_is_a_validation_error_for_a_signed_in_caller(string document)
    {
        var answer = await Timed(() => service.PostAsAsync(Investigator, document));

        AssertRefused(answer, 400, "NO_FRAGMENT_CYCLES");
        await AssertStillAnswering();
    }

    [Theory]
    [MemberData(nameof(Cycles))]
    public async Task A_fragment_cycle_from_an_anonymous_caller_is_refused(string document)
    {
        // The introspection check stops following spreads ten deep: a cycle is not introspection, so 401.
        var answer = await Timed(() => service.PostAsAsync(null, document));

        AssertRefused(answer, 401, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task A_cycle_through_thousands_of_fragments_is_refused_as_too_complex()
    {
        var cycle = new StringBuilder("{...F0}");
        for (var i = 0; i < 1800; i++)
        {
            cycle.Append(FormattableString.Invariant($" fragment F{i} on Query{{...F{(i + 1) % 1800}}}"));
        }

        var answer = await Timed(() => service.PostAsAsync(Investigator, cycle.ToString()));

        AssertRefused(answer, 400, TooComplex);
        await AssertStillAnswering();
    }

    // ---- many operations ----

    public static TheoryData<bool, string?> OperationFloods => new()
    {
        { true, null }, { true, "Q500" }, { false, null }, { false, "Q500" },
    };

    [Theory]
    [MemberData(nameof(OperationFloods))]
    public async Task A_thousand_operations_in_one_document_are_refused(bool signedIn, string? operationName)
    {
        var document = string.Concat(Enumerable.Range(0, 1000).Select(i => FormattableString.Invariant($"query Q{i} {{ __typename }} ")));

        var answer = await Timed(() => service.PostAsAsync(signedIn ? Investigator : null, document, operationName: operationName));

        AssertRefused(answer, 400, TooComplex);
        Assert.Contains("operations", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ten_operations_with_a_name_chosen_are_answered()
    {
        var document = string.Concat(Enumerable.Range(0, 10).Select(i => FormattableString.Invariant($"query Q{i} {{ __typename }} ")));

        var answer = await Timed(() => service.PostAsAsync(Investigator, document, operationName: "Q9"));

        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
    }

    // ---- huge lists ----

    [Fact]
    public async Task Ten_thousand_reports_in_one_batch_are_refused_and_none_is_stored()
    {
        var inputs = Enumerable.Range(0, 10_000).Select(i => Minimal(FormattableString.Invariant($"FLOOD-{i}"))).ToList();

        var answer = await Timed(() => service.PostAsAsync(HertfordshireSystem, ContractOperations.Text(ContractOperations.ReportIncidents), new { inputs }));

        Assert.Equal(200, answer.Status);
        Assert.Equal("BAD_USER_INPUT", answer.FirstErrorCode);
        Assert.Contains("500", answer.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(answer.Data?["reportIncidents"]);
        Assert.Equal(0, await StoredCountAsync("FLOOD-%"));
    }

    [Fact]
    public async Task A_batch_of_501_is_refused_whole()
    {
        var inputs = Enumerable.Range(0, 501).Select(i => Minimal(FormattableString.Invariant($"OVER-{i}"))).ToList();

        var answer = await Timed(() => service.PostAsAsync(HertfordshireSystem, ContractOperations.Text(ContractOperations.ReportIncidents), new { inputs }));

        Assert.Equal("BAD_USER_INPUT", answer.FirstErrorCode);
        Assert.Equal(0, await StoredCountAsync("OVER-%"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_huge_batch_from_a_caller_who_may_not_report_is_refused(bool signedIn)
    {
        var inputs = Enumerable.Range(0, 10_000).Select(i => Minimal(FormattableString.Invariant($"NOTME-{i}"))).ToList();

        var answer = await Timed(() => service.PostAsAsync(signedIn ? Investigator : null, ContractOperations.Text(ContractOperations.ReportIncidents), new { inputs }));

        if (signedIn)
        {
            Assert.Equal(200, answer.Status);
            Assert.Contains(answer.FirstErrorCode, new[] { "BAD_USER_INPUT", "FORBIDDEN" });
        }
        else
        {
            AssertRefused(answer, 401, "UNAUTHENTICATED");
        }

        Assert.Equal(0, await StoredCountAsync("NOTME-%"));
    }

    [Fact]
    public async Task Ten_thousand_full_reports_are_over_the_body_limit()
    {
        var inputs = Enumerable.Range(0, 10_000).Select(i =>
        {
            var input = AnIncident.Courier(FormattableString.Invariant($"BIG-{i}"), phones: ["07700 900123"]);
            input["summary"] = new string('s', 400);
            return input;
        }).ToList();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query = ContractOperations.Text(ContractOperations.ReportIncidents), variables = new { inputs } }), Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        request.Headers.Accept.ParseAdd(ResponseJson);
        request.Headers.Add(TestCaller.Header, HertfordshireSystem.Encode());

        var answer = await Timed(() => service.SendAsync(request));

        AssertRefused(answer, 413, "BAD_REQUEST");
        Assert.Equal(0, await StoredCountAsync("BIG-%"));
    }

    [Fact]
    public async Task A_list_literal_of_five_thousand_items_is_refused_by_the_domain_not_the_transport()
    {
        var lossTypes = string.Join(',', Enumerable.Repeat("CASH", 5000));
        var document = "mutation { reportIncident(input: { forceReference: \"LITERAL-1\", occurredAt: \"2024-03-12T14:05:00Z\", category: COURIER_FRAUD, "
            + $"lossTypes: [{lossTypes}], grading: {{ source: RELIABLE, intelligence: B, handling: P }} }}) {{ outcome errors {{ code path }} }} }}";

        var answer = await Timed(() => service.PostAsAsync(HertfordshireSystem, document));

        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        var error = Assert.Single(answer.Data!["reportIncident"]!["errors"]!.AsArray());
        Assert.Equal("TOO_MANY", error!["code"]!.GetValue<string>());
        Assert.Equal(0, await StoredCountAsync("LITERAL-%"));
    }

    // ---- huge strings ----

    [Fact]
    public async Task A_three_megabyte_summary_is_refused_as_too_long_and_not_stored()
    {
        var input = AnIncident.Courier("HUGE-SUMMARY-1", summary: new string('x', 3 * 1024 * 1024));

        var answer = await Timed(() => service.PostAsAsync(HertfordshireSystem, ContractOperations.Text(ContractOperations.ReportIncident), new { input }));

        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString()[..Math.Min(500, answer.Text.Length)]);
        var payload = answer.Data!["reportIncident"]!;
        Assert.Null(payload["outcome"]);
        var error = Assert.Single(payload["errors"]!.AsArray());
        Assert.Equal("TOO_LONG", error!["code"]!.GetValue<string>());
        Assert.Equal(["summary"], error["path"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(0, await StoredCountAsync("HUGE-SUMMARY-%"));
    }

    [Fact]
    public async Task A_three_megabyte_force_reference_is_refused_as_too_long()
    {
        var input = AnIncident.Courier(new string('R', 3 * 1024 * 1024), summary: "A reference nobody could type.");

        var answer = await Timed(() => service.PostAsAsync(HertfordshireSystem, ContractOperations.Text(ContractOperations.ReportIncident), new { input }));

        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString()[..Math.Min(500, answer.Text.Length)]);
        var error = Assert.Single(answer.Data!["reportIncident"]!["errors"]!.AsArray());
        Assert.Equal("TOO_LONG", error!["code"]!.GetValue<string>());
        Assert.Equal(0, await StoredCountAsync("RRR%"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_three_megabyte_string_inside_the_document_is_over_the_document_length(bool signedIn)
    {
        var document = "{ __type(name: \"" + new string('x', 3 * 1024 * 1024) + "\") { name } }";

        var answer = await Timed(() => service.PostAsAsync(signedIn ? Investigator : null, document));

        AssertRefused(answer, 400, TooComplex);
    }

    [Fact]
    public async Task A_three_megabyte_justification_is_refused()
    {
        var answer = await Timed(() => service.PostAsAsync(Investigator, ContractOperations.Text(ContractOperations.Incidents),
            new { purpose = "INVESTIGATION", why = new string('j', 3 * 1024 * 1024) }));

        Assert.Equal(200, answer.Status);
        Assert.Equal("JUSTIFICATION_REQUIRED", answer.FirstErrorCode);
        Assert.Null(answer.Data?["access"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_three_megabyte_operation_name_is_refused_without_being_echoed(bool signedIn)
    {
        var answer = await Timed(() => service.PostAsAsync(signedIn ? Investigator : null, "query Q { __typename }", operationName: new string('Q', 3 * 1024 * 1024)));

        AssertRefused(answer, 400, TooComplex);
        Assert.True(answer.Text.Length < 1024, Shorten(answer.Text));
    }

    // ---- text that is not text ----

    public static TheoryData<string, bool> BrokenText => new()
    {
        { "invalid UTF-8 in a variable", true }, { "invalid UTF-8 in a variable", false },
        { "overlong UTF-8 in a variable", true },
        { "UTF-8 encoded surrogate in a variable", true },
        { "unpaired surrogate escape in a variable", true }, { "unpaired surrogate escape in a variable", false },
        { "unpaired surrogate escape in the query", true }, { "unpaired surrogate escape in the query", false },
        { "unpaired surrogate escape in the operation name", true },
    };

    [Theory]
    [MemberData(nameof(BrokenText))]
    public async Task Text_that_is_not_Unicode_is_a_bad_request(string kind, bool signedIn)
    {
        byte[] body = kind switch
        {
            "invalid UTF-8 in a variable" => [.. "{\"query\":\"query Q($s: String) { __typename }\",\"variables\":{\"s\":\"a"u8, 0xC3, 0x28, .. "\"}}"u8],
            "overlong UTF-8 in a variable" => [.. "{\"query\":\"query Q($s: String) { __typename }\",\"variables\":{\"s\":\"a"u8, 0xC0, 0xAF, .. "\"}}"u8],
            "UTF-8 encoded surrogate in a variable" => [.. "{\"query\":\"query Q($s: String) { __typename }\",\"variables\":{\"s\":\"a"u8, 0xED, 0xA0, 0x80, .. "\"}}"u8],
            "unpaired surrogate escape in a variable" => [.. "{\"query\":\"query Q($s: String) { __typename }\",\"variables\":{\"s\":\"a\\ud800\"}}"u8],
            "unpaired surrogate escape in the query" => [.. "{\"query\":\"{ __typename } # \\ud800\"}"u8],
            _ => [.. "{\"query\":\"query Q { __typename }\",\"operationName\":\"Q\\udc00\"}"u8],
        };

        var answer = await Timed(() => SendRawAsync(body, signedIn ? Investigator : null));

        AssertRefused(answer, 400, "BAD_REQUEST");
    }

    [Fact]
    public async Task An_unpaired_surrogate_written_as_a_GraphQL_escape_is_refused_by_the_domain()
    {
        // A GraphQL string literal may spell "\uD800"; it reaches the domain, which refuses it as not text.
        var document = "mutation { reportIncident(input: { forceReference: \"SURROGATE-1\", occurredAt: \"2024-03-12T14:05:00Z\", category: COURIER_FRAUD, "
            + "summary: \"caller \\uD800 said\", grading: { source: RELIABLE, intelligence: B, handling: P } }) { outcome errors { code path } } }";

        var answer = await Timed(() => service.PostAsAsync(HertfordshireSystem, document));

        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
        var error = Assert.Single(answer.Data!["reportIncident"]!["errors"]!.AsArray());
        Assert.Equal("INVALID_FORMAT", error!["code"]!.GetValue<string>());
        Assert.Equal(0, await StoredCountAsync("SURROGATE-%"));
    }

    [Fact]
    public async Task An_unpaired_surrogate_echoed_in_a_validation_message_still_answers_as_JSON()
    {
        var answer = await Timed(() => service.PostAsAsync(Investigator, "{ __schema { types { fields(includeDeprecated: \"\\uD800\") { name } } } }"));

        AssertRefused(answer, 400, "ARGUMENTS_OF_CORRECT_TYPE");
    }

    // ---- big and slow bodies ----

    [Theory]
    [InlineData(true, 10L << 20)]
    [InlineData(false, 10L << 20)]
    [InlineData(true, 1L << 30)]
    [InlineData(false, 1L << 30)]
    public async Task A_body_over_the_limit_is_413_and_not_read_to_the_end(bool declaresLength, long length)
    {
        // Over a bare socket: a client that keeps writing while the answer comes back, as curl does
        // (HttpClient without Expect: 100-continue reports only the broken pipe). Loopback buffers
        // swallow 10 MB whole, so a gigabyte shows that the service stops taking the body.
        var (reply, sent, elapsed) = await UploadAsync(length, declaresLength);

        Assert.True(reply.StartsWith("HTTP/1.1 413", StringComparison.Ordinal), Shorten(reply));
        Assert.Contains("\"code\":\"BAD_REQUEST\"", reply, StringComparison.Ordinal);
        Assert.True(sent < 64L << 20, $"The client was made to send {sent} bytes of {length}.");
        Assert.True(elapsed < Bound, $"Answered in {elapsed}.");
        await AssertStillAnswering();
    }

    [Fact]
    public async Task A_client_that_waits_for_100_continue_sends_none_of_a_ten_megabyte_body()
    {
        using var content = new GeneratedBody(10L * 1024 * 1024, declaresLength: true, pause: TimeSpan.Zero);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = content };
        request.Headers.ExpectContinue = true;
        request.Headers.Accept.ParseAdd(ResponseJson);
        request.Headers.Add(TestCaller.Header, Investigator.Encode());

        var answer = await Timed(() => service.SendAsync(request));

        AssertRefused(answer, 413, "BAD_REQUEST");
        Assert.Equal(0, content.Sent);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_trickled_in_a_few_bytes_a_second_is_cut_off(bool declaresLength)
    {
        using var content = new GeneratedBody(10_000, declaresLength, pause: TimeSpan.FromMilliseconds(250));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = content };
        request.Headers.Add(TestCaller.Header, Investigator.Encode());

        var clock = Stopwatch.StartNew();
        int? status = null;
        try
        {
            using var response = await service.Http.SendAsync(request);
            status = (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // The connection was closed under the sender: cut off, which is the point.
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"A slow body held the connection for {clock.Elapsed}.");
        Assert.True(status is null or 408, $"A slow body was answered {status}.");
        Assert.True(content.Sent < 1000, $"The trickle went on for {content.Sent} bytes.");
        await AssertStillAnswering();
    }

    [Fact]
    public async Task Headers_trickled_in_are_cut_off()
    {
        var address = new Uri(service.Http.BaseAddress!, "/");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        var clock = Stopwatch.StartNew();
        var answered = ReadToEndAsync(stream);
        try
        {
            await stream.WriteAsync("POST /graphql HTTP/1.1\r\nHost: localhost\r\n"u8.ToArray());
            for (var i = 0; i < 120 && !answered.IsCompleted; i++)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(FormattableString.Invariant($"X-Slow-{i}: a\r\n")));
                await Task.WhenAny(answered, Task.Delay(250));
            }
        }
        catch (IOException)
        {
            // Closed under the sender.
        }

        var reply = await answered.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Trickled headers held the connection for {clock.Elapsed}.");
        Assert.True(reply.Length == 0 || reply.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), reply);
    }

    // ---- helpers ----

    private static Dictionary<string, object?> Minimal(string reference) => new()
    {
        ["forceReference"] = reference,
        ["occurredAt"] = "2024-03-12T14:05:00Z",
        ["category"] = "COURIER_FRAUD",
        ["grading"] = new { source = "RELIABLE", intelligence = "B", handling = "P" },
    };

    private static async Task<GraphQLAnswer> Timed(Func<Task<GraphQLAnswer>> send)
    {
        var clock = Stopwatch.StartNew();
        var answer = await send();
        Assert.True(clock.Elapsed < Bound, $"Answered in {clock.Elapsed}, over {Bound}: {Shorten(answer.Text)}");
        return answer;
    }

    private static void AssertRefused(GraphQLAnswer answer, int status, string code)
    {
        Assert.True(answer.Status == status, $"Expected {status}, got {answer.Status}: {Shorten(answer.Text)}");
        Assert.True(answer.FirstErrorCode == code, $"Expected {code}, got {answer.FirstErrorCode}: {Shorten(answer.Text)}");
        Assert.False(answer.HasDataKey, Shorten(answer.Text));
        Assert.All(answer.Errors!, e => Assert.False(string.IsNullOrWhiteSpace(e!["message"]?.GetValue<string>())));
    }

    private async Task AssertStillAnswering()
    {
        var answer = await service.PostAsAsync(Investigator, "{ me { subject } }");
        Assert.True(answer.Status == 200 && answer.Errors is null, answer.ToString());
    }

    private async Task<GraphQLAnswer> SendRawAsync(byte[] body, TestCaller? caller)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.ParseAdd(ResponseJson);
        if (caller is not null)
        {
            request.Headers.Add(TestCaller.Header, caller.Encode());
        }

        return await service.SendAsync(request);
    }

    private async Task<long> StoredCountAsync(string referencePattern)
    {
        await using var connection = new NpgsqlConnection(service.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select (select count(*) from ersou.li_incidents where force_reference like $1) + (select count(*) from ersou.mt_events where coalesce(data->>'ForceReference', data->>'forceReference') like $1)", connection);
        command.Parameters.AddWithValue(referencePattern);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Sends a padded JSON body over a bare socket, reading the answer while it writes; stops writing once answered.</summary>
    private async Task<(string Reply, long Sent, TimeSpan Elapsed)> UploadAsync(long length, bool declaresLength)
    {
        var address = service.Http.BaseAddress!;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        var clock = Stopwatch.StartNew();
        var answered = ReadToEndAsync(stream);
        var head = "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAccept: " + ResponseJson + "\r\n"
            + $"{TestCaller.Header}: {Investigator.Encode()}\r\n"
            + (declaresLength ? FormattableString.Invariant($"Content-Length: {length}\r\n") : "Transfer-Encoding: chunked\r\n") + "\r\n";
        long sent = 0;
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            var chunk = new byte[64 * 1024];
            chunk.AsSpan().Fill((byte)' ');
            "{\"query\":\"{ __typename }\",\"pad\":\""u8.CopyTo(chunk);
            while (sent < length && !answered.IsCompleted && !receivedAny)
            {
                var count = (int)Math.Min(chunk.Length, length - sent);
                if (declaresLength)
                {
                    await stream.WriteAsync(chunk.AsMemory(0, count));
                }
                else
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(count.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "\r\n"));
                    await stream.WriteAsync(chunk.AsMemory(0, count));
                    await stream.WriteAsync("\r\n"u8.ToArray());
                }

                sent += count;
            }
        }
        catch (IOException)
        {
            // Closed under the sender once answered.
        }

        var reply = await answered.WaitAsync(TimeSpan.FromSeconds(20));
        return (reply, sent, clock.Elapsed);
    }

    private volatile bool receivedAny;

    private async Task<string> ReadToEndAsync(NetworkStream stream)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, read);
                receivedAny = true;
            }
        }
        catch (IOException)
        {
            // Reset rather than closed: cut off all the same.
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    private static string Shorten(string text) => text.Length > 600 ? text[..600] + "..." : text;

    /// <summary>
    /// A request body made up as it is sent, counting what the client managed to send: a JSON
    /// prefix, then padding, either at full speed or a byte at a time with a pause between.
    /// </summary>
    private sealed class GeneratedBody : HttpContent
    {
        private readonly long length;
        private readonly bool declaresLength;
        private readonly TimeSpan pause;
        private long sent;

        public GeneratedBody(long length, bool declaresLength, TimeSpan pause)
        {
            this.length = length;
            this.declaresLength = declaresLength;
            this.pause = pause;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        public long Sent => Interlocked.Read(ref sent);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var prefix = "{\"query\":\"{ __typename }\",\"pad\":\""u8.ToArray();
            await stream.WriteAsync(prefix);
            Interlocked.Add(ref sent, prefix.Length);
            var padding = new byte[pause == TimeSpan.Zero ? 64 * 1024 : 1];
            padding.AsSpan().Fill((byte)'a');
            while (Sent < length)
            {
                var count = (int)Math.Min(padding.Length, length - Sent);
                await stream.WriteAsync(padding.AsMemory(0, count));
                await stream.FlushAsync();
                Interlocked.Add(ref sent, count);
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause);
                }
            }
        }

        protected override bool TryComputeLength(out long computed)
        {
            computed = length;
            return declaresLength;
        }
    }
}
