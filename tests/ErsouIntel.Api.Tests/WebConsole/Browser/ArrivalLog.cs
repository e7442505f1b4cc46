using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace ErsouIntel.Api.Tests.WebConsole.Browser;

/// <summary>A request to the service from a page of another origin, as it arrived: so a test can tell that an attack was really sent.</summary>
public sealed record Arrival(string Origin, string Method, string Path, bool WithSessionCookie);

/// <summary>
/// Notes every request that names an Origin other than the service's own, as it arrived before the service's own
/// middleware saw it (a startup filter runs first), and whether the console's session cookie came with it; the note
/// is added once the service has answered.
/// </summary>
public sealed class ArrivalLog : IStartupFilter
{
    public ConcurrentQueue<Arrival> Arrivals { get; } = new();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (http, proceed) =>
        {
            var origin = http.Request.Headers.Origin.ToString();
            var own = $"{http.Request.Scheme}://{http.Request.Host}";
            if (origin.Length > 0 && !string.Equals(origin, own, StringComparison.OrdinalIgnoreCase))
            {
                var cookie = http.Request.Cookies.Keys.Any(k => k.EndsWith("ersou.session", StringComparison.Ordinal));
                var arrival = new Arrival(origin, http.Request.Method, http.Request.Path, cookie);

                // Noted once the service has answered it, so a test that sees it also sees whatever it wrote.
                try
                {
                    await proceed(http);
                }
                finally
                {
                    Arrivals.Enqueue(arrival);
                }

                return;
            }

            await proceed(http);
        });
        next(app);
    };
}
