using System.Collections.Frozen;

namespace Milestones.Domain;

/// <summary>ISO-4217 codes the product accepts. Amounts are always integers in the currency's minor unit.</summary>
public static class Currency
{
    private static readonly FrozenSet<string> Known = new[]
    {
        "AED", "ARS", "AUD", "BGN", "BRL", "CAD", "CHF", "CLP", "CNY", "COP", "CZK", "DKK", "EGP", "EUR", "GBP",
        "HKD", "HUF", "IDR", "ILS", "INR", "JPY", "KES", "KRW", "MXN", "MYR", "NGN", "NOK", "NZD", "PEN", "PHP",
        "PKR", "PLN", "RON", "SAR", "SEK", "SGD", "THB", "TRY", "TWD", "UAH", "USD", "VND", "ZAR",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Every code, in order.</summary>
    public static IReadOnlyList<string> Codes { get; } = [.. Known.Order(StringComparer.Ordinal)];

    public static bool IsKnown(string? code) => code is not null && Known.Contains(code);

    /// <summary>The list's own instance of a known code: every contract in that currency holds the same string.</summary>
    public static string Shared(string code) => Known.TryGetValue(code, out var known) ? known : code;
}
