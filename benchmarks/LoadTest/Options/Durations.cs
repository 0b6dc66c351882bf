using System.Globalization;

namespace Milestones.LoadTest.Options;

/// <summary>Durations on the command line: <c>500ms</c>, <c>20s</c>, <c>2m</c>, <c>1h</c>; a bare number is seconds.</summary>
internal static class Durations
{
    public static TimeSpan Parse(string value, string option)
    {
        var text = value.Trim();
        var (number, unit) = text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
            || amount < 0 || double.IsNaN(amount) || amount * unit > TimeSpan.FromDays(1).TotalSeconds)
        {
            throw new UsageException($"{option}: '{value}' is not a duration such as 500ms, 20s, 2m (at most 24h).");
        }

        return TimeSpan.FromSeconds(amount * unit);
    }

    public static string Format(TimeSpan value) =>
        value.TotalSeconds >= 1 ? $"{value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s"
        : $"{value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)}ms";
}
