using ErsouIntel.Api.Access;
using ErsouIntel.Api.Audit.Checkpoints;
using ErsouIntel.Api.Audit.Tree;
using ErsouIntel.Api.Identity;
using ErsouIntel.Domain.Transparency;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ErsouIntel.Api.Audit.Tiles;

/// <summary>
/// The log as C2SP tlog-tiles, under the prefix <c>/log</c>: <c>GET /log/checkpoint</c> (the newest signed
/// checkpoint, text/plain) and <c>GET /log/tile/L/N[.p/W]</c> (hash tiles only: entries are never served
/// here). For auditors and witnesses, or anyone when <c>Log:PublicTiles</c> is set. A tile is served only within
/// the newest signed checkpoint, so nothing here covers an entry that is not yet durable.
/// </summary>
public static class LogEndpoints
{
    public static IEndpointRouteBuilder MapLogTiles(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/log/checkpoint", async (HttpContext http, SignedCheckpoints checkpoints, IOptions<LogOptions> options) =>
        {
            if (Refused(http, options.Value) is { } refused)
            {
                return refused;
            }

            var latest = await checkpoints.LatestAsync(http.RequestAborted);
            if (latest is null)
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "no-store";
            return Results.Text(latest.Note, "text/plain; charset=utf-8");
        });

        endpoints.MapGet("/log/tile/{**path}", async (HttpContext http, string path, SignedCheckpoints checkpoints, NpgsqlDataSource db, IOptions<LogOptions> options) =>
        {
            if (Refused(http, options.Value) is { } refused)
            {
                return refused;
            }

            if (!Domain.Transparency.Tiles.TryParse("tile/" + path, out var tile))
            {
                return Results.NotFound();
            }

            var latest = await checkpoints.LatestAsync(http.RequestAborted);
            if (latest is null || !tile.IsWithin(latest.TreeSize))
            {
                return Results.NotFound();
            }

            var first = tile.Index * Tile.FullWidth;
            var hashes = await AccessLogTree.RangeAsync(db, tile.TreeLevel, first, first + tile.Width, http.RequestAborted);
            if (hashes.Count != tile.Width)
            {
                return Results.Problem("The log's tree lacks hashes a signed checkpoint covers: run verifyAccessLog.", statusCode: 500);
            }

            // A tile never changes once it exists (a full one at all, a partial one for its width): cache it for good.
            http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return Results.Bytes([.. hashes.SelectMany(h => h)], "application/octet-stream");
        });

        return endpoints;
    }

    private static IResult? Refused(HttpContext http, LogOptions options)
    {
        if (options.PublicTiles)
        {
            return null;
        }

        if (Caller.From(http.User) is not { } caller)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        return Authorize.IsAuditorOrWitness(caller) ? null : Results.StatusCode(StatusCodes.Status403Forbidden);
    }
}
