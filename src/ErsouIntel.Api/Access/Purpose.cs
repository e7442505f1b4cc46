namespace ErsouIntel.Api.Access;

/// <summary>Why intelligence is read: every read names one (the contract's <c>Purpose</c>).</summary>
public enum Purpose { Investigation, IntelligenceDevelopment, Safeguarding, Prosecution }
