using System.Diagnostics;
using ErsouIntel.Api.Hosting;
using ErsouIntel.Api.Tests.Infrastructure;
using ErsouIntel.Testing;

namespace ErsouIntel.Api.Tests.Hosting;

/// <summary>The executable as a newcomer or an operator first meets it: help, a missing setting, the start-up.</summary>
public sealed class FirstUseTests
{
    [Fact]
    public async Task Help_lists_every_command_a_line_each_without_settings_or_a_database()
    {
        var (exit, output, error) = await RunAsync(["help"], new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" });

        Assert.True(exit == 0, $"help exited {exit}: {output}{error}");
        foreach (var command in OperatorCommands.Service.Select(c => c.Name).Concat(OperatorCommands.Offline.Select(c => c.Name)).Concat(["local-postgres", "db-apply", "db-assert"]))
        {
            Assert.Contains($"  {command} ", output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Searching", output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task Log_new_key_runs_where_there_are_no_settings_and_no_database()
    {
        var (exit, output, error) = await RunAsync(["log", "new-key", "--origin", "intel.example/access-log"], new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" });

        Assert.True(exit == 0, $"log new-key exited {exit}: {output}{error}");
        Assert.StartsWith("PRIVATE+KEY+intel.example/access-log+", output, StringComparison.Ordinal);
        Assert.StartsWith("intel.example/access-log+", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_Development_a_missing_connection_string_is_one_sentence_naming_the_setting_and_no_stack_trace()
    {
        var (exit, output, error) = await RunAsync(["admin", "list-users"], new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" });

        Assert.True(exit == 1, $"exited {exit}: {output}{error}");
        Assert.Contains("ConnectionStrings__Postgres", error, StringComparison.Ordinal);
        Assert.Contains("docs/operations.md", error, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", output + error, StringComparison.Ordinal);
        Assert.True(error.Trim().Split('\n').Length <= 2, error);
    }

    [Fact]
    public async Task The_run_command_starts_quietly_and_names_the_GraphQL_endpoint()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync(nameof(FirstUseTests));
        try
        {
            await using var service = await ServiceProcess.StartAsync("first-use", ApiBuild.Dll(), new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ConnectionStrings__Postgres"] = connectionString,
                // As the run command logs, not the tests' warnings-only default.
                ["Logging__LogLevel__Default"] = "Information",
            }, TimeSpan.FromSeconds(120));

            var output = service.Output;
            Assert.Contains($"GraphQL at {service.BaseUrl.ToString().TrimEnd('/')}/graphql", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Searching", output, StringComparison.Ordinal);
            Assert.DoesNotContain("warn:", output, StringComparison.Ordinal);
            Assert.DoesNotContain("fail:", output, StringComparison.Ordinal);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string[] arguments, Dictionary<string, string> environment)
    {
        var start = ServiceProcess.StartInfo(ApiBuild.Dll(), arguments, environment);
        start.Environment.Remove("ConnectionStrings__Postgres");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
