namespace Milestones.Tests.Api;

/// <summary>
/// Requests a client can get wrong, each sent by the party that would succeed with a good request, against
/// the state in which it would succeed, with the exact status and problem <c>code</c> it must get.
/// </summary>
public static class BadInputMatrix
{
    private const string UnknownContract = "ctr_00000000000000000000000000000000";

    /// <summary>The sandbox clock's advance, with a body that moves the shared cluster's clock by a second only.</summary>
    public static BodyRoute Clock { get; } = new("advance clock", Arrange.NoContract, Caller.Platform, "POST", "/v1/dev/clock", AuthorizationMatrix.AdvanceOneSecond, 200);

    /// <summary>Every route that takes a body (or headers), with a body that succeeds.</summary>
    public static IReadOnlyList<BodyRoute> BodyRoutes { get; } =
    [
        new("create", Arrange.NoContract, Caller.Client, "POST", "/v1/contracts", CreateBody(), 201),
        new("add milestone", Arrange.Active, Caller.Client, "POST", "/v1/contracts/{id}/milestones",
            """{"description":"Extra","dueDate":"{due}","amount":700,"position":2,"message":"One more"}""", 201),
        new("edit milestone", Arrange.Active, Caller.Client, "PATCH", "/v1/contracts/{id}/milestones/m2",
            """{"description":"Polish","dueDate":"{due}","amount":2500,"position":1,"message":"Cheaper first"}""", 200),
        new("accept", Arrange.Draft, Caller.Client, "POST", "/v1/contracts/{id}/accept", """{"termsVersion":1}""", 200),
        new("decline", Arrange.Draft, Caller.Freelancer, "POST", "/v1/contracts/{id}/decline", """{"message":"No thanks"}""", 200, BodyRequired: false),
        new("withdraw", Arrange.Draft, Caller.Client, "POST", "/v1/contracts/{id}/withdraw", """{"message":"Sorry"}""", 200, BodyRequired: false),
        new("end", Arrange.Funded, Caller.Client, "POST", "/v1/contracts/{id}/end", """{"heldFunds":"refund","message":"Bye"}""", 200),
        new("submit", Arrange.Funded, Caller.Freelancer, "POST", "/v1/contracts/{id}/milestones/m1/submit",
            """{"message":"Done","links":["https://example.com/pr/1"]}""", 200),
        new("request changes", Arrange.Submitted, Caller.Client, "POST", "/v1/contracts/{id}/milestones/m1/request-changes",
            """{"message":"Please fix"}""", 200),
        new("propose change", Arrange.Active, Caller.Freelancer, "POST", "/v1/contracts/{id}/change-requests",
            """{"message":"More","operations":[{"op":"edit","milestoneId":"m2","amount":2500},{"op":"add","description":"Extra","dueDate":"{due}","amount":700,"position":3}]}""", 201),
        new("accept change", Arrange.OpenChangeRequest, Caller.Client, "POST", "/v1/contracts/{id}/change-requests/cr1/accept", """{"message":"OK"}""", 200, BodyRequired: false),
        new("decline change", Arrange.OpenChangeRequest, Caller.Client, "POST", "/v1/contracts/{id}/change-requests/cr1/decline", """{"message":"No"}""", 200, BodyRequired: false),
        new("withdraw change", Arrange.OpenChangeRequest, Caller.Freelancer, "POST", "/v1/contracts/{id}/change-requests/cr1/withdraw", """{"message":"Never mind"}""", 200, BodyRequired: false),
        new("deposit", Arrange.NoContract, Caller.Platform, "POST", "/v1/accounts/{client}/deposits", """{"amount":500,"currency":"USD","reference":"{ref}"}""", 201),
        new("bonus", Arrange.Active, Caller.Client, "POST", "/v1/contracts/{id}/bonuses", """{"amount":100,"message":"Thanks"}""", 201),
        new("payout", Arrange.NoContract, Caller.Client, "POST", "/v1/accounts/{client}/payouts", """{"amount":100,"currency":"USD"}""", 201),
        Clock,
    ];

    public static IReadOnlyList<BadInput> Inputs { get; } = [.. Generic(), .. Specific()];

    public static TheoryData<string, int, string> Cases
    {
        get
        {
            var cases = new TheoryData<string, int, string>();
            foreach (var input in Inputs)
            {
                cases.Add(input.Name, input.Status, input.Code);
            }

            return cases;
        }
    }

    public static BadInput Input(string name) => Inputs.Single(i => i.Name == name);

    /// <summary>What every body route must refuse the same way, whatever its body.</summary>
    private static IEnumerable<BadInput> Generic()
    {
        foreach (var r in BodyRoutes)
        {
            yield return r.With("malformed JSON", "{", 400, "malformed_json");
            yield return r.With("a JSON array", "[]", 400, "malformed_json");
            yield return r.With("text/plain", r.Body, 415, "unsupported_media_type") with { ContentType = "text/plain" };
            yield return r.With("an unknown field", r.Body.Insert(1, "\"surprise\":1,"), 400, "unknown_field");
            yield return r.With("a body over 64 KiB", """{"message":"{x:70000}"}""", 413, "payload_too_large");
            yield return r.With("an Idempotency-Key of 256 characters", r.Body, 400, "invalid_idempotency_key", "Idempotency-Key") with
            {
                Header = ("Idempotency-Key", "{x:256}"),
            };
            yield return r.With("a malformed If-Match", r.Body, 400, "invalid_if_match", "If-Match") with { Header = ("If-Match", "version-1") };
            if (r.BodyRequired)
            {
                yield return r.With("an empty body", "", 400, "malformed_json");
            }
        }
    }

    private static IEnumerable<BadInput> Specific()
    {
        var create = BodyRoutes[0];
        yield return create.With("no fields", "{}", 400, "validation_failed", "title,freelancerId,currency,milestones");
        yield return create.With("a milestone without amount", CreateBody(milestones: """[{"description":"Logo","dueDate":"{due}"}]"""),
            400, "validation_failed", "milestones[0].amount");
        yield return create.With("a milestone without description", CreateBody(milestones: """[{"dueDate":"{due}","amount":500}]"""),
            400, "validation_failed", "milestones[0].description");
        yield return create.With("a null milestone", CreateBody(milestones: "[null]"), 400, "validation_failed",
            "milestones[0].description,milestones[0].dueDate,milestones[0].amount");
        yield return create.With("no milestones", CreateBody(milestones: "[]"), 400, "milestones_required", "milestones");
        yield return create.With("101 milestones", CreateBody(milestones: "[" + string.Join(',', Enumerable.Repeat(Milestone(), 101)) + "]"),
            400, "too_many_milestones", "milestones");
        foreach (var (amount, status, code) in BadAmounts)
        {
            yield return create.With($"amount {amount}", CreateBody(milestones: $"[{Milestone(amount: amount)}]"), status, code, Field(code, "milestones[0].amount"));
        }

        yield return create.With("a title of 201 characters", CreateBody(title: "\"{x:201}\""), 400, "title_too_long", "title");
        yield return create.With("a blank title", CreateBody(title: "\"  \""), 400, "title_required", "title");
        yield return create.With("a numeric title", CreateBody(title: "42"), 400, "malformed_json");
        yield return create.With("a title with a right-to-left override", CreateBody(title: "\"Logo\\u202Egnp.exe\""), 400, "title_invalid_characters", "title");
        yield return create.With("a description of 4001 characters", CreateBody(milestones: $"[{Milestone(description: "\"{x:4001}\"")}]"),
            400, "description_too_long", "milestones[0].description");
        yield return create.With("an unknown currency", CreateBody(currency: "\"XXX\""), 400, "unknown_currency", "currency");
        yield return create.With("a lower-case currency", CreateBody(currency: "\"usd\""), 400, "unknown_currency", "currency");
        yield return create.With("a due date in the past", CreateBody(milestones: $"[{Milestone(due: "\"{past}\"")}]"), 400, "due_date_in_past", "milestones[0].dueDate");
        yield return create.With("a due date that is not a date", CreateBody(milestones: $"[{Milestone(due: "\"31/12/2030\"")}]"), 400, "malformed_json");
        yield return create.With("the client as freelancer", CreateBody(freelancer: "\"{client}\""), 400, "parties_must_differ", "freelancerId");
        yield return create.With("a freelancer id of 129 characters", CreateBody(freelancer: "\"{x:129}\""), 400, "freelancerId_too_long", "freelancerId");
        yield return create.With("every field bad", CreateBody(title: "\"  \"", freelancer: "\" \"", currency: "\"XXX\"",
                milestones: $"[{Milestone(amount: "0")},{Milestone(due: "\"{past}\"", description: "\"\"")}]"),
            400, "title_required", "title,freelancerId,currency,milestones[0].amount,milestones[1].description,milestones[1].dueDate");

        var add = BodyRoutes[1];
        yield return add.With("no fields", "{}", 400, "validation_failed", "description,dueDate,amount");
        foreach (var (amount, status, code) in BadAmounts)
        {
            yield return add.With($"amount {amount}", $$"""{"description":"Extra","dueDate":"{due}","amount":{{amount}}}""", status, code, Field(code, "amount"));
        }

        yield return add.With("a description of 4001 characters", """{"description":"{x:4001}","dueDate":"{due}","amount":700}""", 400, "description_too_long", "description");
        yield return add.With("a due date in the past", """{"description":"Extra","dueDate":"{past}","amount":700}""", 400, "due_date_in_past", "dueDate");
        yield return add.With("a message of 4001 characters", """{"description":"Extra","dueDate":"{due}","amount":700,"message":"{x:4001}"}""", 400, "message_too_long", "message");
        yield return add.With("position 0", """{"description":"Extra","dueDate":"{due}","amount":700,"position":0}""", 400, "position_out_of_range", "position");
        yield return add.With("every field bad", """{"description":" ","dueDate":"{past}","amount":0,"position":0,"message":"{x:4001}"}""",
            400, "message_too_long", "message,description,dueDate,amount,position");
        yield return add.With("an unknown contract", add.Body, 404, "contract_not_found") with { Path = $"/v1/contracts/{UnknownContract}/milestones" };
        yield return add.With("a contract id that cannot exist", add.Body, 404, "contract_not_found") with { Path = "/v1/contracts/not-a-contract/milestones" };

        var edit = BodyRoutes[2];
        yield return edit.With("no fields", "{}", 400, "nothing_to_change");
        foreach (var (amount, status, code) in BadAmounts)
        {
            yield return edit.With($"amount {amount}", $$"""{"amount":{{amount}}}""", status, code, Field(code, "amount"));
        }

        yield return edit.With("a description of 4001 characters", """{"description":"{x:4001}"}""", 400, "description_too_long", "description");
        yield return edit.With("a due date in the past", """{"dueDate":"{past}"}""", 400, "due_date_in_past", "dueDate");
        yield return edit.With("a message of 4001 characters", """{"amount":2500,"message":"{x:4001}"}""", 400, "message_too_long", "message");
        yield return edit.With("position 3 of 2", """{"position":3}""", 400, "position_out_of_range", "position");
        yield return edit.With("every field bad", """{"description":"{x:4001}","dueDate":"{past}","amount":0,"position":3}""",
            400, "description_too_long", "description,dueDate,amount,position");
        yield return edit.With("an unknown milestone", edit.Body, 404, "milestone_not_found") with { Path = "/v1/contracts/{id}/milestones/m9" };
        yield return edit.With("an unknown contract", edit.Body, 404, "contract_not_found") with { Path = $"/v1/contracts/{UnknownContract}/milestones/m2" };
        yield return edit.With("a funded milestone", """{"amount":2500}""", 409, "milestone_locked") with { State = Arrange.Funded, Path = "/v1/contracts/{id}/milestones/m1" };

        var delete = new BodyRoute("delete milestone", Arrange.Active, Caller.Client, "DELETE", "/v1/contracts/{id}/milestones/m2", "", 200);
        yield return delete.With("an unknown milestone", null, 404, "milestone_not_found") with { Path = "/v1/contracts/{id}/milestones/m9" };
        yield return delete.With("an unknown contract", null, 404, "contract_not_found") with { Path = $"/v1/contracts/{UnknownContract}/milestones/m2" };
        yield return delete.With("a message of 4001 characters", null, 400, "message_too_long", "message") with { Path = "/v1/contracts/{id}/milestones/m2?message={x:4001}" };

        var accept = BodyRoutes[3];
        yield return accept.With("no termsVersion", "{}", 400, "validation_failed", "termsVersion");
        yield return accept.With("a termsVersion that is not a number", """{"termsVersion":"one"}""", 400, "malformed_json");
        yield return accept.With("a termsVersion beyond int", """{"termsVersion":2147483648}""", 400, "malformed_json");
        yield return accept.With("a stale termsVersion", """{"termsVersion":2}""", 409, "terms_version_mismatch");
        yield return accept.With("an unknown contract", accept.Body, 404, "contract_not_found") with { Path = $"/v1/contracts/{UnknownContract}/accept" };

        yield return BodyRoutes[4].With("a message of 4001 characters", """{"message":"{x:4001}"}""", 400, "message_too_long", "message");
        yield return BodyRoutes[5].With("a message of 4001 characters", """{"message":"{x:4001}"}""", 400, "message_too_long", "message");
        yield return BodyRoutes[5].With("an unknown contract", null, 404, "contract_not_found") with { Path = $"/v1/contracts/{UnknownContract}/withdraw" };

        var end = BodyRoutes[6];
        yield return end.With("no heldFunds", "{}", 400, "validation_failed", "heldFunds");
        yield return end.With("heldFunds keep", """{"heldFunds":"keep"}""", 400, "malformed_json");
        yield return end.With("heldFunds as a number", """{"heldFunds":1}""", 400, "malformed_json");
        yield return end.With("a message of 4001 characters", """{"heldFunds":"refund","message":"{x:4001}"}""", 400, "message_too_long", "message");
        yield return end.With("an unknown contract", end.Body, 404, "contract_not_found") with { Path = $"/v1/contracts/{UnknownContract}/end" };

        var fund = new BodyRoute("fund", Arrange.Active, Caller.Client, "POST", "/v1/contracts/{id}/milestones/m1/fund", "", 200);
        yield return fund.With("an unknown milestone", null, 404, "milestone_not_found") with { Path = "/v1/contracts/{id}/milestones/m9/fund" };
        yield return fund.With("an unknown contract", null, 404, "contract_not_found") with { Path = $"/v1/contracts/{UnknownContract}/milestones/m1/fund" };
        yield return fund.With("an Idempotency-Key of 256 characters", null, 400, "invalid_idempotency_key", "Idempotency-Key") with { Header = ("Idempotency-Key", "{x:256}") };
        yield return fund.With("a malformed If-Match", null, 400, "invalid_if_match", "If-Match") with { Header = ("If-Match", "\"v1\"") };
        yield return fund.With("an If-Match beyond long", null, 400, "invalid_if_match", "If-Match") with { Header = ("If-Match", "\"99999999999999999999\"") };

        var submit = BodyRoutes[7];
        yield return submit.With("no message", "{}", 400, "validation_failed", "message");
        yield return submit.With("a message of 4001 characters", """{"message":"{x:4001}"}""", 400, "message_too_long", "message");
        yield return submit.With("a message with a NUL", """{"message":"Done\u0000"}""", 400, "message_invalid_characters", "message");
        yield return submit.With("an ftp link", """{"message":"Done","links":["ftp://example.com/file"]}""", 400, "invalid_link", "links");
        yield return submit.With("a relative link", """{"message":"Done","links":["/pr/1"]}""", 400, "invalid_link", "links");
        yield return submit.With("a link that is not a URL", """{"message":"Done","links":["see the attached"]}""", 400, "invalid_link", "links");
        yield return submit.With("a null link", """{"message":"Done","links":[null]}""", 400, "invalid_link", "links");
        yield return submit.With("a link of 2049 characters", """{"message":"Done","links":["https://example.com/{x:2029}"]}""", 400, "invalid_link", "links");
        yield return submit.With("11 links", $$"""{"message":"Done","links":[{{string.Join(',', Enumerable.Repeat("\"https://example.com\"", 11))}}]}""",
            400, "too_many_links", "links");
        yield return submit.With("every field bad", """{"message":" ","links":["/pr/1"]}""", 400, "message_required", "message,links");
        yield return submit.With("links as an object", """{"message":"Done","links":{}}""", 400, "malformed_json");
        yield return submit.With("an unknown milestone", submit.Body, 404, "milestone_not_found") with { Path = "/v1/contracts/{id}/milestones/m9/submit" };

        var approve = new BodyRoute("approve", Arrange.Submitted, Caller.Client, "POST", "/v1/contracts/{id}/milestones/m1/approve", "", 200);
        yield return approve.With("an unknown milestone", null, 404, "milestone_not_found") with { Path = "/v1/contracts/{id}/milestones/m9/approve" };
        yield return approve.With("an unknown contract", null, 404, "contract_not_found") with { Path = $"/v1/contracts/{UnknownContract}/milestones/m1/approve" };
        yield return approve.With("a malformed If-Match", null, 400, "invalid_if_match", "If-Match") with { Header = ("If-Match", "1") };

        var changes = BodyRoutes[8];
        yield return changes.With("no message", "{}", 400, "validation_failed", "message");
        yield return changes.With("a message of 4001 characters", """{"message":"{x:4001}"}""", 400, "message_too_long", "message");
        yield return changes.With("an unknown milestone", changes.Body, 404, "milestone_not_found") with { Path = "/v1/contracts/{id}/milestones/m9/request-changes" };

        foreach (var input in ChangeRequestInputs())
        {
            yield return input;
        }

        var deposit = BodyRoutes[13];
        yield return deposit.With("no fields", "{}", 400, "validation_failed", "amount,currency,reference");
        foreach (var (amount, status, code) in BadAmounts)
        {
            yield return deposit.With($"amount {amount}", $$"""{"amount":{{amount}},"currency":"USD","reference":"{ref}"}""", status, code, Field(code, "amount"));
        }

        yield return deposit.With("an unknown currency", """{"amount":500,"currency":"XXX","reference":"{ref}"}""", 400, "unknown_currency", "currency");
        yield return deposit.With("a reference of 129 characters", """{"amount":500,"currency":"USD","reference":"{x:129}"}""", 400, "reference_too_long", "reference");
        yield return deposit.With("a blank reference", """{"amount":500,"currency":"USD","reference":" "}""", 400, "reference_required", "reference");
        yield return deposit.With("every field bad", """{"amount":0,"currency":"XXX","reference":" "}""", 400, "unknown_currency", "currency,reference,amount");

        var bonus = BodyRoutes[14];
        yield return bonus.With("no fields", "{}", 400, "validation_failed", "amount");
        yield return bonus.With("every field bad", """{"amount":0,"message":"{x:4001}"}""", 400, "invalid_amount", "amount,message");

        var payout = BodyRoutes[15];
        yield return payout.With("no fields", "{}", 400, "validation_failed", "amount,currency");
        yield return payout.With("every field bad", """{"amount":0,"currency":"XXX"}""", 400, "unknown_currency", "currency,amount");

        foreach (var input in QueryAndIdInputs())
        {
            yield return input;
        }
    }

    private static IEnumerable<BadInput> ChangeRequestInputs()
    {
        var propose = BodyRoutes[9];
        yield return propose.With("no fields", "{}", 400, "validation_failed", "message,operations");
        yield return propose.With("no operations", """{"message":"More","operations":[]}""", 400, "invalid_operations", "operations");
        yield return propose.With("51 operations", $$"""{"message":"More","operations":[{{string.Join(',', Enumerable.Repeat("""{"op":"edit","milestoneId":"m2","amount":2500}""", 51))}}]}""",
            400, "invalid_operations", "operations");
        yield return propose.With("an operation without op", """{"message":"More","operations":[{"milestoneId":"m2"}]}""", 400, "validation_failed", "operations[0].op");
        yield return propose.With("a null operation", """{"message":"More","operations":[null]}""", 400, "validation_failed", "operations[0].op");
        yield return propose.With("an unknown op", """{"message":"More","operations":[{"op":"explode"}]}""", 400, "malformed_json");
        yield return propose.With("an add without fields", """{"message":"More","operations":[{"op":"add"}]}""", 400, "milestone_fields_required", "operations");
        foreach (var (amount, status, code) in BadAmounts)
        {
            yield return propose.With($"an add of amount {amount}", $$"""{"message":"More","operations":[{"op":"add","description":"Extra","dueDate":"{due}","amount":{{amount}}}]}""",
                status, code, Field(code, "amount"));
        }

        yield return propose.With("an add due in the past", """{"message":"More","operations":[{"op":"add","description":"Extra","dueDate":"{past}","amount":700}]}""",
            400, "due_date_in_past", "dueDate");
        yield return propose.With("an edit of an unknown milestone", """{"message":"More","operations":[{"op":"edit","milestoneId":"m9","amount":700}]}""",
            404, "milestone_not_found");
        yield return propose.With("every field bad", """{"message":" ","operations":[{"op":"add","description":"Extra","dueDate":"{past}","amount":0}]}""",
            400, "message_required", "message,dueDate,amount");
        yield return propose.With("a message of 4001 characters", """{"message":"{x:4001}","operations":[{"op":"delete","milestoneId":"m2"}]}""",
            400, "message_too_long", "message");
        yield return propose.With("an unknown contract", propose.Body, 404, "contract_not_found") with { Path = $"/v1/contracts/{UnknownContract}/change-requests" };

        foreach (var (decide, route) in new[] { ("accept", BodyRoutes[10]), ("decline", BodyRoutes[11]), ("withdraw", BodyRoutes[12]) })
        {
            yield return route.With("an unknown change request", route.Body, 404, "change_request_not_found") with
            {
                Path = $"/v1/contracts/{{id}}/change-requests/cr9/{decide}",
            };
            yield return route.With("a message of 4001 characters", """{"message":"{x:4001}"}""", 400, "message_too_long", "message");
        }
    }

    private static IEnumerable<BadInput> QueryAndIdInputs()
    {
        BadInput Get(string name, string path, int status, string code, string? field = null) =>
            new($"GET: {name}", Arrange.Draft, Caller.Client, "GET", path, null, status, code, field);

        yield return Get("role=platform", "/v1/contracts?role=platform", 400, "invalid_role", "role");
        yield return Get("role=1", "/v1/contracts?role=1", 400, "invalid_role", "role");
        yield return Get("status=nope", "/v1/contracts?status=nope", 400, "invalid_status", "status");
        yield return Get("status=active,nope", "/v1/contracts?status=active,nope", 400, "invalid_status", "status");
        yield return Get("status=active,,completed", "/v1/contracts?status=active,,completed", 400, "invalid_status", "status");
        yield return Get("status=1", "/v1/contracts?status=1", 400, "invalid_status", "status");
        yield return Get("role=client,freelancer", "/v1/contracts?role=client,freelancer", 400, "invalid_role", "role");
        yield return Get("cursor=garbage", "/v1/contracts?cursor=not-a-cursor", 400, "invalid_cursor", "cursor");
        yield return Get("cursor=a contract id", "/v1/contracts?cursor=ctr_0123456789abcdef0123456789abcdef", 400, "invalid_cursor", "cursor");
        yield return Get("limit=abc", "/v1/contracts?limit=abc", 400, "invalid_parameter");
        yield return Get("limit beyond int", "/v1/contracts?limit=99999999999", 400, "invalid_parameter");
        yield return Get("events after=abc", "/v1/contracts/{id}/events?after=abc", 400, "invalid_parameter");
        yield return Get("transfers limit=x", "/v1/accounts/{client}/transfers?limit=x", 400, "invalid_parameter");
        yield return Get("an unknown contract", $"/v1/contracts/{UnknownContract}", 404, "contract_not_found");
        yield return Get("a contract id that cannot exist", "/v1/contracts/not-a-contract", 404, "contract_not_found");
        yield return Get("the events of an unknown contract", $"/v1/contracts/{UnknownContract}/events", 404, "contract_not_found");
        yield return Get("the audit of an unknown contract", $"/v1/contracts/{UnknownContract}/audit", 404, "contract_not_found");
        yield return Get("the change requests of an unknown contract", $"/v1/contracts/{UnknownContract}/change-requests", 404, "contract_not_found");
        yield return Get("statement from=yesterday", "/v1/accounts/{client}/statement?from=yesterday", 400, "invalid_from", "from");
        yield return Get("statement to before from", "/v1/accounts/{client}/statement?from=2026-12-02&to=2026-12-01", 400, "invalid_period", "to");
        yield return Get("statement format=xml", "/v1/accounts/{client}/statement?format=xml", 400, "invalid_format", "format");
        yield return Get("statement every parameter bad", "/v1/accounts/{client}/statement?from=12/01/2026&to=soon&contractId=%20x&format=pdf",
            400, "invalid_from", "from,to,contractId,format");
        yield return Get("statement of an unknown account", "/v1/accounts/nobody-{ref}/statement", 404, "account_not_found");
        yield return Get("fee statement of a stranger currency", "/v1/platform/fees/XXX/statement?format=pdf", 400, "unknown_currency", "currency,format") with
        {
            As = Caller.Platform,
        };

        var token = new BodyRoute("dev token", Arrange.NoContract, Caller.NoToken, "POST", "/v1/dev/tokens", """{"userId":"alice"}""", 200);
        yield return token.With("no userId", "{}", 400, "userId_required", "userId");
        yield return token.With("a userId of 129 characters", """{"userId":"{x:129}"}""", 400, "userId_too_long", "userId");
        yield return token.With("an unknown field", """{"userId":"alice","role":"admin"}""", 400, "unknown_field");
        yield return token.With("malformed JSON", "{", 400, "malformed_json");
        yield return token.With("an empty body", "", 400, "malformed_json");

        yield return Clock.With("no advanceBy", "{}", 400, "validation_failed", "advanceBy");
        yield return Clock.With("advanceBy a number", """{"advanceBy":14}""", 400, "malformed_json");
        foreach (var duration in new[] { "", "P", "PT", "P0D", "PT0S", "-P1D", "P1Y", "P1M", "P2W", "P367D", "P366DT1S", "14 days", "14.00:00:00", "p1d", "P1DT" })
        {
            yield return Clock.With($"advanceBy '{duration}'", $$"""{"advanceBy":"{{duration}}"}""", 400, "invalid_duration", "advanceBy");
        }
    }

    /// <summary>Amounts that are not positive, not integers, beyond long, or beyond the configured maximum (100 000 000 000).</summary>
    private static (string Amount, int Status, string Code)[] BadAmounts =>
    [
        ("0", 400, "invalid_amount"),
        ("-1", 400, "invalid_amount"),
        ("12.5", 400, "malformed_json"),
        ("1e30", 400, "malformed_json"),
        ("9223372036854775808", 400, "malformed_json"),
        ("100000000001", 400, "amount_too_large"),
    ];

    private static string? Field(string code, string field) => code == "malformed_json" ? null : field;

    private static string Milestone(string amount = "500", string due = "\"{due}\"", string description = "\"Logo\"") =>
        $$"""{"description":{{description}},"dueDate":{{due}},"amount":{{amount}}}""";

    private static string CreateBody(string? milestones = null, string title = "\"Logo\"", string currency = "\"USD\"", string freelancer = "\"{freelancer}\"") =>
        $$"""{"freelancerId":{{freelancer}},"title":{{title}},"currency":{{currency}},"milestones":{{milestones ?? $"[{Milestone()}]"}}}""";
}

/// <summary>A route with a body that succeeds (<see cref="Success"/>) for <see cref="As"/> in <see cref="State"/>.</summary>
public sealed record BodyRoute(string Name, Arrange State, Caller As, string Method, string Path, string Body, int Success, bool BodyRequired = true)
{
    public BadInput With(string input, string? body, int status, string code, string? fields = null) =>
        new($"{Name}: {input}", State, As, Method, Path, body, status, code, fields);
}

/// <summary>One bad request and the answer it must get. <see cref="Fields"/>: the keys its <c>errors</c> map must have, comma-separated.</summary>
public sealed record BadInput(
    string Name, Arrange State, Caller As, string Method, string Path, string? Body, int Status, string Code, string? Fields = null)
{
    public string ContentType { get; init; } = "application/json";

    public (string Name, string Value)? Header { get; init; }
}
