using System.Net;

namespace Milestones.Tests.Api;

/// <summary>api.md "Errors": every bad request gets its 4xx and stable code as problem details, never a 500, and changes nothing.</summary>
public sealed class BadInputMatrixTests(ApiFactory factory) : MatrixApiTest(factory)
{
    public static TheoryData<string, int, string> Cases => BadInputMatrix.Cases;

    public static TheoryData<string> BodyRoutes => [.. BadInputMatrix.BodyRoutes.Select(r => r.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ABadRequest_GetsItsStatusAndCode_AndChangesNothing(string name, int status, string code)
    {
        var input = BadInputMatrix.Input(name);
        await ArrangeAsync(input.State);
        var before = await SnapshotAsync();

        var response = await SendAsync(ClientOf(input.As), input.Method, input.Path, input.Body, input.ContentType, input.Header is { } header ? [header] : []);

        var problem = await Problem(response, (HttpStatusCode)status, code);
        Assert.Equal(status, problem["status"]!.GetValue<int>());
        Assert.Equal($"https://milestones.dev/problems/{code}", problem["type"]!.GetValue<string>());
        // Every invalid field at once, and only those.
        if (input.Fields is { } fields)
        {
            Assert.Equal(fields.Split(',').Order(), problem["errors"]!.AsObject().Select(e => e.Key).Order());
        }

        AssertUnchanged(before, await SnapshotAsync());
    }

    /// <summary>The control: without the defect, each body route's request succeeds from the same state.</summary>
    [Theory]
    [MemberData(nameof(BodyRoutes))]
    public async Task TheSameRequestWithAGoodBody_Succeeds(string route)
    {
        var spec = BadInputMatrix.BodyRoutes.Single(r => r.Name == route);
        await ArrangeAsync(spec.State);

        await Json(await SendAsync(ClientOf(spec.As), spec.Method, spec.Path, spec.Body), (HttpStatusCode)spec.Success);
    }

    [Fact]
    public void EveryCase_HasItsOwnName_AndEveryBodyRouteIsCovered()
    {
        Assert.Equal(BadInputMatrix.Inputs.Count, BadInputMatrix.Inputs.Select(i => i.Name).Distinct().Count());
        Assert.All(BadInputMatrix.BodyRoutes, r => Assert.Contains(BadInputMatrix.Inputs, i => i.Name.StartsWith(r.Name + ": ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DepositsThatWouldOverflowTheBalance_AreRefusedWith400_NotA500()
    {
        var before = await Json(await Platform.GetAsync($"/v1/accounts/{ClientId}"), HttpStatusCode.OK);

        await Problem(await SendAsync(Platform, "POST", "/v1/accounts/{client}/deposits", """{"amount":9223372036854775807,"currency":"USD","reference":"{ref}"}"""),
            HttpStatusCode.BadRequest, "amount_too_large");
        await Problem(await SendAsync(Platform, "POST", "/v1/accounts/{client}/deposits", """{"amount":9223372036854775807,"currency":"USD","reference":"{ref}"}"""),
            HttpStatusCode.BadRequest, "amount_too_large");

        Assert.Equal(before.ToJsonString(), (await Json(await Platform.GetAsync($"/v1/accounts/{ClientId}"), HttpStatusCode.OK)).ToJsonString());
    }
}
