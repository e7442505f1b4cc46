using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace ErsouIntel.Api.Tests.WebConsole.Browser;

/// <summary>
/// GraphQL with the session of a browser context, as the console's own script sends it (its cookie and the
/// anti-forgery token the session JSON hands out), so a test can check what the page did over the API.
/// </summary>
public static class PageSession
{
    public static async Task<JsonNode> GraphQLAsync(IBrowserContext context, string query, object variables)
    {
        var session = JsonNode.Parse(await (await context.APIRequest.GetAsync("/console/session")).TextAsync())!;
        Assert.True(session["signedIn"]!.GetValue<bool>(), "the browser's session is signed in");
        var response = await context.APIRequest.PostAsync("/graphql", new()
        {
            DataObject = new { query, variables },
            Headers = new Dictionary<string, string> { ["X-Ersou-Antiforgery"] = session["antiforgery"]!.GetValue<string>() },
        });
        var answer = JsonNode.Parse(await response.TextAsync())!;
        Assert.True(response.Status == 200 && answer["errors"] is null, $"{response.Status}: {answer.ToJsonString()}");
        return answer["data"]!;
    }
}
