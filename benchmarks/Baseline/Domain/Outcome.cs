namespace Milestones.Baseline.Domain;

/// <summary>A command's result: a value, or the expected "no" that left everything unchanged.</summary>
internal readonly record struct Outcome<T>(T? Value, Error? Error)
{
    public static implicit operator Outcome<T>(Error error) => new(default, error);
}
