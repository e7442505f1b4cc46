using GraphQL;

namespace ErsouIntel.Api.Access;

/// <summary>
/// What every field that fetches one record by id inside an access scope does around its read: the
/// id asked for is named in the log. Given, it is named with the record in the scope's CONSULTATION or
/// DISCLOSURE; not given (withheld, or no such record), in the scope's REFUSED entry with the record's
/// force when it exists. Either way the answer is null and the same entries are written.
/// </summary>
public static class FetchById
{
    public static async Task<T?> ResolveAsync<T>(
        IResolveFieldContext<AccessScope> ctx,
        string type,
        Func<Viewer, Guid, CancellationToken, Task<T?>> read,
        Func<T, Domain.Force?> forceOf)
        where T : class
    {
        var asked = ctx.GetArgument<string>("id");
        var scope = ctx.Source;
        if (Guid.TryParse(asked, out var id) && await read(Viewer.For(scope), id, ctx.CancellationToken) is { } found)
        {
            // A courier or suspect may answer under another of its ids than the one asked for.
            scope.Returned(type, id, forceOf(found));
            return found;
        }

        foreach (var record in await ctx.RequestServices!.GetRequiredService<RecordOwners>().NamedAsync(type, asked, ctx.CancellationToken))
        {
            scope.Refused(record);
        }

        return null;
    }
}
