namespace Milestones.Api.Http;

/// <summary>Enum values in query strings: by name only (no numbers, no flag combinations), in any case.</summary>
public static class QueryValues
{
    /// <summary>One optional defined value; empty means none.</summary>
    public static bool TryParseOne<T>(string? value, out T? parsed) where T : struct, Enum
    {
        parsed = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (!TryParseName(value, out T result))
        {
            return false;
        }

        parsed = result;
        return true;
    }

    /// <summary>A comma-separated set of defined values (<c>active,completed</c>); empty means any. Never OR-ed as flags.</summary>
    public static bool TryParseSet<T>(string? value, out T[]? parsed) where T : struct, Enum
    {
        parsed = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        var set = new List<T>();
        foreach (var part in value.Split(','))
        {
            if (!TryParseName(part.Trim(), out T result))
            {
                return false;
            }

            if (!set.Contains(result))
            {
                set.Add(result);
            }
        }

        parsed = [.. set];
        return true;
    }

    /// <summary>A value as the API writes it (snake_case, lower case), e.g. <c>in_transit</c>.</summary>
    public static string Name<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static bool TryParseName<T>(string name, out T result) where T : struct, Enum
    {
        result = default;
        return name.Length > 0 && name.All(c => char.IsAsciiLetter(c) || c == '_')
            && Enum.TryParse(name.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out result)
            && Enum.IsDefined(result);
    }
}
