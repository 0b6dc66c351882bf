using System.Collections.Frozen;

namespace Milestones.Baseline.Domain;

/// <summary>Field checks, with the Milestones API's codes. Each returns null when the value is acceptable.</summary>
internal static class Validate
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxMessageLength = 4000;
    public const int MaxIdLength = 128;
    public const int MaxLinks = 10;
    public const int MaxLinkLength = 2048;

    private static readonly FrozenSet<string> Currencies = new[]
    {
        "AED", "ARS", "AUD", "BGN", "BRL", "CAD", "CHF", "CLP", "CNY", "COP", "CZK", "DKK", "EGP", "EUR", "GBP",
        "HKD", "HUF", "IDR", "ILS", "INR", "JPY", "KES", "KRW", "MXN", "MYR", "NGN", "NOK", "NZD", "PEN", "PHP",
        "PKR", "PLN", "RON", "SAR", "SEK", "SGD", "THB", "TRY", "TWD", "UAH", "USD", "VND", "ZAR",
    }.ToFrozenSet(StringComparer.Ordinal);

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

    public static Error? Amount(long amount, long maxAmount, string field = "amount") =>
        amount <= 0 ? Errors.Invalid("invalid_amount", field, "An amount must be a positive integer in minor units.")
        : amount > maxAmount ? Errors.Invalid("amount_too_large", field, $"An amount may not exceed {maxAmount}.")
        : null;

    public static Error? DueDate(DateOnly dueDate, DateTime now, string field = "dueDate") =>
        dueDate < DateOnly.FromDateTime(now)
            ? Errors.Invalid("due_date_in_past", field, "A due date may not be in the past.")
            : null;

    public static Error? Currency(string? currency) =>
        currency is not null && Currencies.Contains(currency)
            ? null
            : Errors.Invalid("unknown_currency", "currency", $"'{currency}' is not a supported ISO-4217 currency code.");

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
}
