namespace Milestones.LoadTest.Options;

/// <summary>A command line the tool refuses; the message says why, for the user.</summary>
internal sealed class UsageException(string message) : Exception(message);
