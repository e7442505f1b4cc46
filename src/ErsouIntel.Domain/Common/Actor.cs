namespace ErsouIntel.Domain.Common;

/// <summary>Who did something: the subject from the token and the force it belongs to.</summary>
public sealed record Actor(string Subject, Force? Force);
