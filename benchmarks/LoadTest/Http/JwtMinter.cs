using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Milestones.LoadTest.Http;

/// <summary>
/// Mints HS256 JWTs like the API's own token issuer: <c>sub</c> = user id, <c>role</c> = <c>platform</c> for the
/// marketplace, <c>iss</c>/<c>aud</c> as configured, valid for 12 hours. The key is used as UTF-8 bytes.
/// </summary>
internal sealed class JwtMinter(string signingKey, string issuer, string audience, TimeProvider clock)
{
    private static readonly string Header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);
    private readonly byte[] _key = Encoding.UTF8.GetBytes(signingKey);

    public string Mint(string userId, bool platform)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var payload = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(payload))
        {
            json.WriteStartObject();
            json.WriteString("sub", userId);
            if (platform)
            {
                json.WriteString("role", "platform");
            }

            json.WriteString("iss", issuer);
            json.WriteString("aud", audience);
            json.WriteNumber("iat", now);
            json.WriteNumber("nbf", now);
            json.WriteNumber("exp", now + (12 * 3600));
            json.WriteEndObject();
        }

        var unsigned = $"{Header}.{Base64Url.EncodeToString(payload.WrittenSpan)}";
        var signature = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(unsigned));
        return $"{unsigned}.{Base64Url.EncodeToString(signature)}";
    }
}
