namespace Milestones.Domain;

/// <summary>An amount in integer minor units of one currency. Construction checks both; arithmetic is overflow-checked.</summary>
[GenerateSerializer, Immutable, Alias("ms.Money")]
public readonly record struct Money
{
    public Money(long amount, string currency)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        if (!Domain.Currency.IsKnown(currency))
        {
            throw new ArgumentException($"Unknown currency '{currency}'.", nameof(currency));
        }

        Amount = amount;
        Currency = currency;
    }

    [Id(0)] public long Amount { get; init; }
    [Id(1)] public string Currency { get; init; }

    public override string ToString() => $"{Amount} {Currency}";
}
