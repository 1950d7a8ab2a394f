using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using Sluice.Receiver.Configuration;

namespace Sluice.Receiver.Auth;

/// <summary>
/// Checks <c>Authorization: Bearer &lt;key&gt;</c> (the Collector's bearertokenauth convention) and
/// returns the product the key is bound to. Keys are compared by their SHA-256, so the lookup's
/// timing says nothing about how much of a wrong key matched.
/// </summary>
internal sealed class ApiKeyAuthenticator
{
    private readonly FrozenDictionary<string, string> _productByKeyHash;

    public ApiKeyAuthenticator(IEnumerable<ApiKeyConfig> keys)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            map[Hash(key.Key)] = key.Product;
        }

        _productByKeyHash = map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public int KeyCount => _productByKeyHash.Count;

    /// <summary>Returns the product for an Authorization header value, or null with the reason.</summary>
    public string? Authenticate(string? authorization, out string? failure)
    {
        failure = null;
        if (string.IsNullOrEmpty(authorization))
        {
            failure = "missing Authorization header; send 'Authorization: Bearer <api key>' (OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<key>)";
            return null;
        }

        const string Scheme = "Bearer ";
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            failure = "the Authorization header must use the Bearer scheme: 'Authorization: Bearer <api key>'";
            return null;
        }

        string key = authorization[Scheme.Length..].Trim();
        if (key.Length == 0 || !_productByKeyHash.TryGetValue(Hash(key), out string? product))
        {
            failure = "unknown API key; ask the pipeline's operators for a key (extensions.bearertokenauth.keys)";
            return null;
        }

        return product;
    }

    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
