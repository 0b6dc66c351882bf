namespace Milestones.LoadTest.Http;

/// <summary>A user of the run and the <c>Authorization</c> header value it calls with.</summary>
internal sealed record Party(string UserId, string Authorization);
