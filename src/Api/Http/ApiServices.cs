using Milestones.Api.Auth;
using Milestones.Domain;

namespace Milestones.Api.Http;

/// <summary>What every handler takes besides its route values and body (bound with <c>[AsParameters]</c>).</summary>
public readonly record struct ApiServices(HttpContext Http, IGrainFactory Grains)
{
    public Caller Caller => Http.User.ToCaller();
}
