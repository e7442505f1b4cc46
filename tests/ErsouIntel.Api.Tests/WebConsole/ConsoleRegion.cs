using ErsouIntel.Api.Tests.Identity;
using Npgsql;

namespace ErsouIntel.Api.Tests.WebConsole;

/// <summary>A region with users made by the admin command line (<see cref="RegionWithSignIn"/>), and the console's sessions as stored.</summary>
public class ConsoleRegion : RegionWithSignIn
{
    public ConsoleBrowser NewBrowser() => new(Http.BaseAddress!);

    /// <summary>How many console sessions the database holds for <paramref name="subject"/>.</summary>
    public async Task<long> SessionsOfAsync(string subject)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select count(*) from ersou.console_sessions where subject = @subject", connection);
        command.Parameters.AddWithValue("subject", subject);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
