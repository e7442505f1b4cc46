namespace ErsouIntel.Domain;

/// <summary>
/// Why intelligence is read or worked on (the contract's <c>Purpose</c>): every access scope names
/// one, and so does every case, whose actions are logged with it.
/// </summary>
public enum Purpose { Investigation, IntelligenceDevelopment, Safeguarding, Prosecution }
