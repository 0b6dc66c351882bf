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

    /// <summary>What the text and id rules answer, by field (the problem catalogue and the operations' lists name them so).</summary>
    public const string InvalidIdCode = "invalid_id";

    public static string RequiredCode(string field) => $"{field}_required";

    public static string TooLongCode(string field) => $"{field}_too_long";

    public static string InvalidCharactersCode(string field) => $"{field}_invalid_characters";

    /// <summary>
    /// The one rule for free text (titles, descriptions, messages, reasons): present unless optional, at most
    /// <paramref name="maxLength"/> UTF-16 characters, and nothing a reader could be fooled or broken by: no control
    /// characters (Unicode Cc, e.g. NUL, ESC, DEL) but tab, line feed and carriage return (browsers send a text area's
    /// line ends as CR LF), no bidirectional embedding, override or isolate characters (U+202A-U+202E, U+2066-U+2069:
    /// they reorder what follows, "invoice_U+202Efdp.exe"), and no zero-width space, word joiner or byte-order mark
    /// (U+200B, U+2060, U+FEFF). The zero-width joiner (U+200D, inside emoji sequences) and non-joiner (U+200C,
    /// needed by Persian and Indic scripts) and the direction marks (U+200E, U+200F) are text and stay allowed.
    /// A breach is 400 <c>{field}_invalid_characters</c>.
    /// </summary>
    public static Error? Text(string? value, string field, int maxLength, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? Errors.Invalid(RequiredCode(field), field, $"'{field}' is required.") : null;
        }

        if (value.Length > maxLength)
        {
            return Errors.Invalid(TooLongCode(field), field, $"'{field}' is longer than {maxLength} characters.");
        }

        return value.AsSpan().IndexOfAny(RefusedInText) >= 0
            ? Errors.Invalid(InvalidCharactersCode(field), field,
                $"'{field}' may not contain control characters (but tab and line ends), bidirectional override or isolate characters, or zero-width spaces.")
            : null;
    }

    private static readonly System.Buffers.SearchValues<char> RefusedInText = System.Buffers.SearchValues.Create(
        [
            .. Enumerable.Range(0, 0x20).Select(c => (char)c).Where(c => c is not ('\t' or '\n' or '\r')),
            .. Enumerable.Range(0x7F, 0x21).Select(c => (char)c),
            '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069',
            '\u200B', '\u2060', '\uFEFF',
        ]);

    /// <summary>
    /// The one rule for every identifier (user ids, contract, milestone and change-request ids, deposit references):
    /// 1 to <see cref="MaxIdLength"/> characters, no leading or trailing white space, no control (Cc), format or
    /// invisible (Cf), line or paragraph separator (Zl, Zp) characters and no unpaired surrogates.
    /// </summary>
    public static Error? Id(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Errors.Invalid(RequiredCode(field), field, $"'{field}' is required.");
        }

        if (value.Length > MaxIdLength)
        {
            return Errors.Invalid(TooLongCode(field), field, $"'{field}' is longer than {MaxIdLength} characters.");
        }

        return char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]) || !HasOnlyVisibleCharacters(value)
            ? Errors.Invalid(InvalidIdCode, field,
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
        All(Text(description, "description", MaxDescriptionLength), DueDate(dueDate, now), Amount(amount, rules));

    /// <summary>
    /// A request's checks, all of them: null if every one passed, else the first failure carrying the later ones of its
    /// kind (<see cref="Error.Others"/>), so that one answer names every invalid field.
    /// </summary>
    public static Error? All(params ReadOnlySpan<Error?> checks)
    {
        List<Error>? failed = null;
        foreach (var check in checks)
        {
            if (check is not null && (failed is null || check.Kind == failed[0].Kind))
            {
                (failed ??= []).AddRange(check.All);
            }
        }

        return failed switch
        {
            null or [] => null,
            [var only] => only,
            [var first, .. var others] => first with { Others = [.. others] },
        };
    }
}
