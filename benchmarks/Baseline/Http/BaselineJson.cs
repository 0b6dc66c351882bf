using System.Text.Json;
using System.Text.Json.Serialization;

namespace Milestones.Baseline.Http;

/// <summary>Source-generated JSON metadata for every body the baseline reads or writes.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(DevTokenRequest))]
[JsonSerializable(typeof(DepositRequest))]
[JsonSerializable(typeof(CreateContractRequest))]
[JsonSerializable(typeof(AcceptTermsRequest))]
[JsonSerializable(typeof(SubmitWorkRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(ContractView))]
[JsonSerializable(typeof(AccountView))]
[JsonSerializable(typeof(ProblemBody))]
internal sealed partial class BaselineJson : JsonSerializerContext;
