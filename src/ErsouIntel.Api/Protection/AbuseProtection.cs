using System.Globalization;
using System.Threading.RateLimiting;
using ErsouIntel.Api.GraphQL;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Net.Http.Headers;

namespace ErsouIntel.Api.Protection;

/// <summary>Section <c>RateLimits</c>: requests each caller may make per window.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>GraphQL requests per window for one signed-in client or user (anonymous callers: per address).</summary>
    public int RequestsPerWindow { get; set; } = 600;

    /// <summary>Token and login requests per window from one address.</summary>
    public int SignInsPerWindow { get; set; } = 30;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Rate limits per client and per user (429 with Retry-After), security headers on every
/// answer, and CORS closed unless origins are configured.
/// </summary>
public static class AbuseProtection
{
    public const string GraphQLPolicy = "graphql";
    private const string CorsPolicy = "configured-origins";

    public static IServiceCollection AddAbuseProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellation) =>
            {
                Telemetry.ErsouMetrics.RateLimitRefused(GraphQLPolicy);
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : limits.Window;
                context.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                context.HttpContext.Response.ContentType = "application/json; charset=utf-8";
                var body = new { errors = new[] { new { message = $"Too many requests: try again in {Math.Ceiling(retryAfter.TotalSeconds)} seconds.", extensions = new { code = ErrorCodes.RateLimited } } } };
                await context.HttpContext.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(body), cancellation);
            };
            options.AddPolicy(GraphQLPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                CallerKey(http),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.RequestsPerWindow, Window = limits.Window, QueueLimit = 0 }));
        });

        var origins = configuration.GetSection("Cors:AllowedOrigins").Get<string[]>() ?? [];
        if (origins.Length > 0)
        {
            services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy => policy
                .WithOrigins(origins)
                .WithMethods("GET", "POST")
                .WithHeaders("Authorization", "Content-Type", "Accept")));
        }

        return services;
    }

    /// <summary>
    /// Sign-in throttling runs before authentication, because the token server answers there: per
    /// address, on the token endpoint, the login form and the console's sign-in (a username has its own lock-out besides).
    /// </summary>
    public static WebApplication UseSignInThrottle(this WebApplication app)
    {
        var limits = app.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        app.UseWhen(
            http => HttpMethods.IsPost(http.Request.Method) && (http.Request.Path.StartsWithSegments("/connect/token") || http.Request.Path.StartsWithSegments("/account/login") || http.Request.Path.StartsWithSegments("/console/session")),
            branch => branch.UseRateLimiter(new RateLimiterOptions
            {
                RejectionStatusCode = StatusCodes.Status429TooManyRequests,
                OnRejected = (context, _) =>
                {
                    Telemetry.ErsouMetrics.RateLimitRefused("sign-in");
                    var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : limits.Window;
                    context.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                    return ValueTask.CompletedTask;
                },
                GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => RateLimitPartition.GetFixedWindowLimiter(
                    "ip:" + http.Connection.RemoteIpAddress,
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.SignInsPerWindow, Window = limits.Window, QueueLimit = 0 })),
            }));
        return app;
    }

    /// <summary>
    /// Headers on every answer, the token server's, the login page's and error pages included: first in the
    /// pipeline, and again as the answer starts for any a later step cleared (an exception handler clears the
    /// response before it writes its page).
    /// </summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            SetSecurityHeaders(http);
            http.Response.OnStarting(() =>
            {
                SetSecurityHeaders(http);
                return Task.CompletedTask;
            });
            await next();
        });

        // No exception page with a stack trace in any environment (Development adds one outside this): a
        // failure no other part answered is a plain 500 with the headers above.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = http =>
            {
                http.Response.StatusCode = StatusCodes.Status500InternalServerError;
                http.Response.ContentType = "text/plain; charset=utf-8";
                return http.Response.WriteAsync("Something went wrong on our side. Please try again; if it keeps happening, tell the service desk the time.");
            },
        });
        return app;
    }

    /// <summary>Sets each header a step before has not set.</summary>
    private static void SetSecurityHeaders(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.TryAdd(HeaderNames.XContentTypeOptions, "nosniff");
        headers.TryAdd(HeaderNames.XFrameOptions, "DENY");
        headers.TryAdd("Referrer-Policy", "no-referrer");
        headers.TryAdd(HeaderNames.ContentSecurityPolicy, http.Request.Path.StartsWithSegments("/account")
            ? "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
            : "default-src 'none'; frame-ancestors 'none'");
        if (!http.Request.Path.StartsWithSegments("/.well-known"))
        {
            headers.TryAdd(HeaderNames.CacheControl, "no-store");
        }

        if (http.Request.IsHttps)
        {
            headers.TryAdd(HeaderNames.StrictTransportSecurity, "max-age=31536000; includeSubDomains");
        }
    }

    public static WebApplication UseAbuseProtection(this WebApplication app)
    {

        if (app.Services.GetService<Microsoft.AspNetCore.Cors.Infrastructure.ICorsService>() is not null)
        {
            app.UseCors(CorsPolicy);
        }

        app.UseRateLimiter();
        return app;
    }

    /// <summary>The signed-in client or user; an anonymous caller by address.</summary>
    private static string CallerKey(HttpContext http) =>
        http.User.FindFirst("sub")?.Value is { } subject ? "sub:" + subject : "ip:" + http.Connection.RemoteIpAddress;
}
