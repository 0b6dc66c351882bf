namespace Milestones.LoadTest;

/// <summary>The run cannot go on (the target refused its preparation, or has no way to get tokens); the message says why.</summary>
internal sealed class RunFailedException(string message) : Exception(message);
