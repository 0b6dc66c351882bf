namespace Milestones.Silo;

/// <summary>A misconfiguration that stops start-up. Its message is the one line an operator reads.</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
