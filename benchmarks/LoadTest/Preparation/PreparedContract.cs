using Milestones.LoadTest.Http;

namespace Milestones.LoadTest.Preparation;

/// <summary>An accepted (active), never-funded contract and its parties.</summary>
internal sealed record PreparedContract(string Id, Party Client, Party Freelancer);
