using ErsouIntel.Domain.Common;

namespace ErsouIntel.Domain.Watches;

/// <summary>
/// Place a watch. <see cref="LiveWatches"/>: how many live watches the actor has now, for the limit.
/// <see cref="ExpiresAt"/> is null when left out.
/// </summary>
public sealed record PlaceWatch(
    Guid WatchId,
    string NodeKind,
    Guid Node,
    string Key,
    Purpose Purpose,
    string Justification,
    string? Note,
    DateTimeOffset? ExpiresAt,
    Actor Actor,
    DateTimeOffset Now,
    int LiveWatches);

public sealed record EndWatch(Actor Actor, DateTimeOffset Now);

/// <summary>
/// One investigator's watch on an entity: theirs alone to see and to end. Live until it is ended or expires;
/// an ended or expired watch raises nothing. Also the watch's snapshot, which the store keeps with its events
/// through <see cref="Evolve"/>, so that a person's live watches are one indexed query.
/// </summary>
public sealed record Watch(
    Guid Id,
    string Watcher,
    Force WatcherForce,
    string NodeKind,
    Guid Node,
    string Key,
    string? Note,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    Purpose Purpose,
    string Justification,
    DateTimeOffset? EndedAt)
{
    public const int MaxNote = 1000;
    public const int MaxLive = 500;
    public static readonly TimeSpan DefaultLife = TimeSpan.FromDays(90);
    public static readonly TimeSpan LongestLife = TimeSpan.FromDays(365);

    public bool IsLiveAt(DateTimeOffset now) => (EndedAt is null || EndedAt > now) && ExpiresAt > now;

    /// <summary>Nobody but the watcher sees a watch or ends it.</summary>
    public bool IsVisibleTo(Actor actor) => actor.Subject == Watcher && actor.Force == WatcherForce;

    public static Watch From(WatchPlaced e) =>
        new(e.WatchId, e.Watcher, e.WatcherForce, e.NodeKind, e.Node, e.Key, e.Note, e.CreatedAt, e.ExpiresAt, e.Purpose, e.Justification, null);

    public static Watch? Evolve(Watch? state, object @event) => @event switch
    {
        WatchPlaced e => From(e),
        WatchEnded e when state is not null => state with { EndedAt = e.EndedAt },
        _ => state,
    };

    public static (IReadOnlyList<object> Events, IReadOnlyList<UserError> Errors) Decide(PlaceWatch command)
    {
        if (command.Actor.Force is not { } force)
        {
            return ([], [UserError.At(UserErrorCodes.Forbidden, "Only an investigator of a force can place a watch.")]);
        }

        var errors = new List<UserError>();
        var (justification, refusedWith, problem) = Common.Justification.Check(command.Justification);
        if (justification is null)
        {
            errors.Add(UserError.At(refusedWith!, problem ?? $"A justification of {Common.Justification.Min} to {Common.Justification.Max} characters is required.", "justification"));
        }

        // A note left blank is no note.
        var note = string.IsNullOrWhiteSpace(command.Note) ? null : command.Note.Trim();
        if (note is { Length: > MaxNote })
        {
            errors.Add(UserError.At(UserErrorCodes.TooLong, $"note is longer than {MaxNote} characters.", "note"));
        }
        else if (note is not null && TypedText.Check(note, "note", lineFeedsAllowed: true) is { } typed)
        {
            errors.Add(typed);
        }

        var expiresAt = command.ExpiresAt ?? command.Now + DefaultLife;
        if (expiresAt <= command.Now || expiresAt > command.Now + LongestLife)
        {
            errors.Add(UserError.At(UserErrorCodes.BadUserInput, $"expiresAt must be in the future and at most {LongestLife.TotalDays} days away.", "expiresAt"));
        }

        if (command.LiveWatches >= MaxLive)
        {
            errors.Add(UserError.At(UserErrorCodes.BadUserInput, $"You already have {MaxLive} live watches; end one before placing another."));
        }

        return errors.Count > 0
            ? ([], errors)
            : ([new WatchPlaced(command.WatchId, command.Actor.Subject, force, command.NodeKind, command.Node, command.Key, note, command.Now, expiresAt, command.Purpose, justification!)], errors);
    }

    /// <summary>
    /// End a watch. Another's watch, or none, is NOT_FOUND alike; ending one that is already ended or expired
    /// is a retry and writes nothing.
    /// </summary>
    public static (IReadOnlyList<object> Events, IReadOnlyList<UserError> Errors) Decide(Watch? state, EndWatch command)
    {
        if (state is null || !state.IsVisibleTo(command.Actor))
        {
            return ([], [UserError.At(UserErrorCodes.NotFound, "No watch of yours has this id.", "id")]);
        }

        return state.IsLiveAt(command.Now) ? ([new WatchEnded(state.Id, command.Actor.Subject, command.Now)], []) : ([], []);
    }
}
