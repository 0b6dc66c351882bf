namespace Milestones.LoadTest.Options;

/// <summary>What one measured operation is.</summary>
internal enum ScenarioKind
{
    /// <summary>One <c>POST …/milestones/m1/fund</c> of a prepared, accepted, never-funded contract.</summary>
    Fund,

    /// <summary>create → accept (client) → accept (freelancer) → fund m1 → submit → approve.</summary>
    Lifecycle,
}
