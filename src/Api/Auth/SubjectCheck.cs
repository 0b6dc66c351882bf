using Microsoft.AspNetCore.Authentication.JwtBearer;
using Milestones.Api.Hosting;
using Milestones.Domain;

namespace Milestones.Api.Auth;

/// <summary>
/// A correctly signed token is accepted only if its <c>sub</c> is a user id by the one id rule
/// (<see cref="Validate.Id"/>); otherwise 401 <c>invalid_token</c>, never a 500 further on.
/// </summary>
internal static class SubjectCheck
{
    public const string Code = "invalid_token";

    public static Task OnTokenValidated(TokenValidatedContext context)
    {
        if (Validate.Id(context.Principal?.FindFirst("sub")?.Value, "sub") is { } error)
        {
            context.Fail(new InvalidSubjectException(error.Message));
        }

        return Task.CompletedTask;
    }

    public static async Task OnChallenge(JwtBearerChallengeContext context)
    {
        if (context.AuthenticateFailure is not InvalidSubjectException invalid)
        {
            return;
        }

        context.HandleResponse();
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        await ProblemHandling.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, Code, invalid.Message, "The bearer token is not valid.");
    }

    private sealed class InvalidSubjectException(string message) : Exception(message);
}
