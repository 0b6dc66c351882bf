namespace Milestones.Domain;

/// <summary>Field checks shared by every command. Each returns null when the value is acceptable.</summary>
public static class Validate
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxMessageLength = 4000;
    public const int MaxIdLength = 128;
    public const int MaxLinks = 10;
    public const int MaxLinkLength = 2048;
    public const int MaxOperations = 50;

    public static Error? Text(string? value, string field, int maxLength, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? Errors.Invalid($"{field}_required", field, $"'{field}' is required.") : null;
        }

        return value.Length > maxLength
            ? Errors.Invalid($"{field}_too_long", field, $"'{field}' is longer than {maxLength} characters.")
            : null;
    }

    /// <summary>
    /// The one rule for every identifier (user ids, contract, milestone and change-request ids, deposit references):
    /// 1 to <see cref="MaxIdLength"/> characters, no leading or trailing white space, no control (Cc), format or
    /// invisible (Cf), line or paragraph separator (Zl, Zp) characters and no unpaired surrogates.
    /// </summary>
    public static Error? Id(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Errors.Invalid($"{field}_required", field, $"'{field}' is required.");
        }

        if (value.Length > MaxIdLength)
        {
            return Errors.Invalid($"{field}_too_long", field, $"'{field}' is longer than {MaxIdLength} characters.");
        }

        return char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) || !HasOnlyVisibleCharacters(value)
            ? Errors.Invalid("invalid_id", field,
                $"'{field}' may not start or end with white space or contain control, invisible or separator characters.")
            : null;
    }

    private static bool HasOnlyVisibleCharacters(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(value, i) == System.Globalization.UnicodeCategory.Format)
                {
                    return false;
                }

                i++;
                continue;
            }

            if (char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator
                or System.Globalization.UnicodeCategory.Surrogate)
            {
                return false;
            }
        }

        return true;
    }

    public static Error? Amount(long amount, ContractRules rules, string field = "amount") =>
        amount <= 0 ? Errors.Invalid("invalid_amount", field, "An amount must be a positive integer in minor units.")
        : amount > rules.MaxAmount ? Errors.Invalid("amount_too_large", field, $"An amount may not exceed {rules.MaxAmount}.")
        : null;

    public static Error? DueDate(DateOnly dueDate, DateTimeOffset now, string field = "dueDate") =>
        dueDate < DateOnly.FromDateTime(now.UtcDateTime)
            ? Errors.Invalid("due_date_in_past", field, "A due date may not be in the past.")
            : null;

    public static Error? Currency(string? currency) =>
        Domain.Currency.IsKnown(currency) ? null : Errors.Invalid("unknown_currency", "currency", $"'{currency}' is not a supported ISO-4217 currency code.");

    public static Error? Links(IReadOnlyList<string>? links)
    {
        if (links is null)
        {
            return null;
        }

        if (links.Count > MaxLinks)
        {
            return Errors.Invalid("too_many_links", "links", $"At most {MaxLinks} links.");
        }

        foreach (var link in links)
        {
            if (link is null || link.Length > MaxLinkLength || !Uri.TryCreate(link, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                return Errors.Invalid("invalid_link", "links", "Links must be absolute http(s) URLs.");
            }
        }

        return null;
    }

    public static Error? Milestone(string? description, DateOnly dueDate, long amount, ContractRules rules, DateTimeOffset now) =>
        Text(description, "description", MaxDescriptionLength) ?? DueDate(dueDate, now) ?? Amount(amount, rules);
}
