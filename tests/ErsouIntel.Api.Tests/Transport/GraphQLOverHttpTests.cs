using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ErsouIntel.Api.Tests.Infrastructure;

namespace ErsouIntel.Api.Tests.Transport;

/// <summary>The endpoint as a GraphQL client written by someone else meets it: the GraphQL over HTTP rules, one by one.</summary>
public sealed class GraphQLOverHttpTests(ServiceFixture service) : IClassFixture<ServiceFixture>
{
    private const string ResponseJson = "application/graphql-response+json";
    private const string Json = "application/json";

    [Fact]
    public async Task A_POST_of_typename_answers_200_with_data()
    {
        var answer = await service.PostAsync("{__typename}");

        Assert.Equal(200, answer.Status);
        Assert.Equal(ResponseJson, answer.MediaType);
        Assert.Equal("Query", answer.Data?["__typename"]?.GetValue<string>());
        Assert.Equal("utf-8", answer.ContentHeaders.ContentType?.CharSet);
    }

    [Fact]
    public async Task Without_Accept_the_answer_is_application_json()
    {
        var answer = await service.PostAsync("{__typename}", accept: null);

        Assert.Equal(200, answer.Status);
        Assert.Equal(Json, answer.MediaType);
    }

    [Theory]
    [InlineData("application/json", Json)]
    [InlineData("*/*", Json)]
    [InlineData("application/*", Json)]
    [InlineData("application/graphql-response+json", ResponseJson)]
    [InlineData("application/json;q=0.5, application/graphql-response+json", ResponseJson)]
    [InlineData("application/graphql-response+json;q=0.2, application/json", Json)]
    [InlineData("text/html, application/json;q=0.1", Json)]
    public async Task The_answer_takes_the_media_type_the_client_prefers(string accept, string expected)
    {
        using var request = Post("{__typename}");
        request.Headers.TryAddWithoutValidation("Accept", accept);

        var answer = await service.SendAsync(request);

        Assert.Equal(200, answer.Status);
        Assert.Equal(expected, answer.MediaType);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/xml, text/plain")]
    [InlineData("application/json;charset=iso-8859-1")]
    public async Task Nothing_acceptable_asked_for_is_406(string accept)
    {
        using var request = Post("{__typename}");
        request.Headers.TryAddWithoutValidation("Accept", accept);

        var answer = await service.SendAsync(request);

        Assert.Equal(406, answer.Status);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/graphql")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=iso-8859-1")]
    public async Task A_body_of_another_content_type_is_415(string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new ByteArrayContent("{\"query\":\"{__typename}\"}"u8.ToArray()) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var answer = await service.SendAsync(request);

        Assert.Equal(415, answer.Status);
    }

    [Fact]
    public async Task A_body_without_content_type_is_415()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new ByteArrayContent("{\"query\":\"{__typename}\"}"u8.ToArray()) };

        var answer = await service.SendAsync(request);

        Assert.Equal(415, answer.Status);
    }

    [Theory]
    [InlineData(ResponseJson)]
    [InlineData(Json)]
    public async Task Unparsable_JSON_is_400_under_either_media_type(string accept)
    {
        using var request = Raw("{\"query\": \"{__typename}\"", accept);

        var answer = await service.SendAsync(request);

        Assert.Equal(400, answer.Status);
        Assert.NotNull(answer.Errors);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"query\": 5}")]
    [InlineData("{\"query\": \"{__typename}\", \"variables\": [1]}")]
    [InlineData("{\"query\": \"{__typename}\", \"operationName\": 5}")]
    [InlineData("")]
    public async Task A_malformed_request_is_400(string body)
    {
        using var request = Raw(body, ResponseJson);

        var answer = await service.SendAsync(request);

        Assert.Equal(400, answer.Status);
    }

    [Fact]
    public async Task Invalid_UTF8_is_400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new ByteArrayContent([.. "{\"query\":\"{__typename} #"u8, 0xC3, 0x28, .. "\"}"u8]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(Json);

        var answer = await service.SendAsync(request);

        Assert.Equal(400, answer.Status);
    }

    [Theory]
    [InlineData(ResponseJson, 400)]
    [InlineData(Json, 200)]
    public async Task An_unparsable_document_follows_the_media_types_status_rule(string accept, int status)
    {
        var answer = await service.PostAsync("{ __typename ", accept: accept);

        Assert.Equal(status, answer.Status);
        Assert.Equal(accept, answer.MediaType);
        Assert.False(answer.HasDataKey, answer.ToString());
        Assert.NotNull(answer.Errors);
    }

    [Theory]
    [InlineData(ResponseJson, 400)]
    [InlineData(Json, 200)]
    public async Task A_document_that_fails_validation_follows_the_media_types_status_rule(string accept, int status)
    {
        var answer = await service.PostAsAsync(TestCaller.Investigator(Domain.Force.Essex), "{ noSuchField }", accept: accept);

        Assert.Equal(status, answer.Status);
        Assert.False(answer.HasDataKey, answer.ToString());
        Assert.Contains("noSuchField", answer.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ResponseJson, 400)]
    [InlineData(Json, 200)]
    public async Task Variables_that_do_not_coerce_follow_the_media_types_status_rule(string accept, int status)
    {
        var answer = await service.PostAsync(
            "query Q($include: Boolean!) { __typename @include(if: $include) }", new { include = "not a boolean" }, accept);

        Assert.Equal(status, answer.Status);
        Assert.False(answer.HasDataKey, answer.ToString());
    }

    [Fact]
    public async Task A_field_error_with_data_is_200()
    {
        // The document executes; the justification is refused as a field error, so data is null with errors.
        var answer = await service.PostAsAsync(TestCaller.Investigator(Domain.Force.Essex), "{ access(purpose: INVESTIGATION, justification: \"short\") { cases { pageInfo { hasNextPage } } } }");

        Assert.Equal(200, answer.Status);
        Assert.True(answer.HasDataKey, answer.ToString());
        Assert.Equal("JUSTIFICATION_REQUIRED", answer.FirstErrorCode);
    }

    [Fact]
    public async Task Without_a_token_anything_but_introspection_is_401_with_a_Bearer_challenge()
    {
        var answer = await service.PostAsync("{ me { subject } }");

        Assert.Equal(401, answer.Status);
        Assert.Equal("Bearer", answer.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("UNAUTHENTICATED", answer.FirstErrorCode);
        Assert.False(answer.HasDataKey);
    }

    [Fact]
    public async Task An_invalid_token_is_401_even_for_introspection()
    {
        using var request = Post("{__typename}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");

        var answer = await service.SendAsync(request);

        Assert.Equal(401, answer.Status);
        Assert.Contains("invalid_token", answer.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GET_runs_queries()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql?query=" + Uri.EscapeDataString("query Q($i: Boolean!) { __typename @include(if: $i) }") + "&variables=" + Uri.EscapeDataString("{\"i\":true}") + "&operationName=Q");
        request.Headers.Accept.ParseAdd(ResponseJson);

        var answer = await service.SendAsync(request);

        Assert.Equal(200, answer.Status);
        Assert.Equal("Query", answer.Data?["__typename"]?.GetValue<string>());
    }

    [Fact]
    public async Task GET_refuses_a_mutation_with_405_and_Allow_POST()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql?query=" + Uri.EscapeDataString("mutation { __typename }"));

        var answer = await service.SendAsync(request);

        Assert.Equal(405, answer.Status);
        Assert.Equal("POST", answer.ContentHeaders.Allow.Single());
    }

    [Fact]
    public async Task GET_without_a_query_is_400()
    {
        var answer = await service.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/graphql"));

        Assert.Equal(400, answer.Status);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    public async Task Other_methods_are_405_with_Allow(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/graphql") { Content = new StringContent("{}", Encoding.UTF8, Json) };

        var answer = await service.SendAsync(request);

        Assert.Equal(405, answer.Status);
        Assert.Equal(["GET", "POST"], answer.ContentHeaders.Allow.OrderBy(m => m, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_413()
    {
        var padding = new string(' ', 5 * 1024 * 1024);
        using var request = Raw("{\"query\":\"{__typename}\"" + padding + "}", ResponseJson);
        // The body is refused unread and Kestrel takes no more of it than its limit, so the client waits to be told to go on.
        request.Headers.ExpectContinue = true;

        var answer = await service.SendAsync(request);

        Assert.Equal(413, answer.Status);
    }

    [Fact]
    public async Task A_document_over_the_length_limit_is_refused_as_too_complex()
    {
        var answer = await service.PostAsync("{__typename}" + new string('#', 70 * 1024));

        Assert.Equal(400, answer.Status);
        Assert.Equal("QUERY_TOO_COMPLEX", answer.FirstErrorCode);
    }

    [Fact]
    public async Task A_document_nested_past_the_depth_limit_is_refused()
    {
        var deep = string.Concat(Enumerable.Repeat("__schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name", 1))
            + new string('}', 15);

        var answer = await service.PostAsync("{" + deep + "}");

        Assert.Equal(400, answer.Status);
        Assert.False(answer.HasDataKey, answer.ToString());
    }

    [Fact]
    public async Task Introspection_is_on()
    {
        var answer = await service.PostAsync("{ __schema { queryType { name } types { name } } }");

        Assert.Equal(200, answer.Status);
        Assert.Equal("Query", answer.Data?["__schema"]?["queryType"]?["name"]?.GetValue<string>());
    }

    private static HttpRequestMessage Post(string query) =>
        new(HttpMethod.Post, "/graphql") { Content = new StringContent($"{{\"query\":\"{query}\"}}", Encoding.UTF8, Json) };

    private static HttpRequestMessage Raw(string body, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(Json);
        request.Headers.Accept.ParseAdd(accept);
        return request;
    }
}
