using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Sluice.Transforms.Processing.Privacy;

/// <summary>
/// HMAC-SHA256 keyed per product, in the output format of the SDK's hasher
/// (Microsoft.Extensions.Compliance.Redaction's HmacRedactor): the key id in decimal followed
/// directly by the base64 of the HMAC of the value's UTF-16 code units. So the server's hash of
/// a value equals the SDK's when both use the product's key and id, and counts of hashed users
/// stay whole across old and new clients. (Written here rather than taken from that package,
/// whose dependencies conflict with the receiver's pinned versions.) A product without a key
/// gets <see cref="Redacted"/>: there is nothing stable to hash with, and a clear value must
/// never be stored.
/// </summary>
internal sealed class ProductHasher
{
    /// <summary>What a value becomes when its product has no key.</summary>
    public const string Redacted = "redacted";

    private const int HashBase64Length = 44;

    private readonly Dictionary<string, (string KeyId, byte[] Key)> _keys = new(StringComparer.Ordinal);

    public ProductHasher(IReadOnlyDictionary<string, HashSecret> secrets)
    {
        foreach (var (product, secret) in secrets)
        {
            _keys[product] = (secret.KeyId.ToString(CultureInfo.InvariantCulture), Convert.FromBase64String(secret.Key));
        }
    }

    /// <summary>Whether <paramref name="product"/> has a key.</summary>
    public bool HasKey(string product) => _keys.ContainsKey(product);

    /// <summary>The keyed hash of <paramref name="value"/> for <paramref name="product"/>, or <see cref="Redacted"/>.</summary>
    public string Hash(string product, string value)
    {
        if (!_keys.TryGetValue(product, out var key))
        {
            return Redacted;
        }

        if (value.Length == 0)
        {
            return string.Empty;
        }

        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(key.Key, MemoryMarshal.AsBytes(value.AsSpan()), hash);
        return string.Concat(key.KeyId, Convert.ToBase64String(hash));
    }

    /// <summary>
    /// Whether <paramref name="value"/> already has the shape of such a hash (decimal key id, an
    /// optional colon, 44 base64 characters ending in <c>=</c>), as the SDK sends hashed values;
    /// those are not hashed again.
    /// </summary>
    public static bool LooksHashed(string value)
    {
        // Read from the end: the base64 may itself begin with digits, so the key id's length is
        // whatever is left before the last 44 characters.
        int prefix = value.Length - HashBase64Length;
        if (prefix < 1 || value[^1] != '=')
        {
            return false;
        }

        int digits = value[prefix - 1] == ':' ? prefix - 1 : prefix;
        if (digits is < 1 or > 10)
        {
            return false;
        }

        for (int i = 0; i < digits; i++)
        {
            if (!char.IsAsciiDigit(value[i]))
            {
                return false;
            }
        }

        for (int i = prefix; i < value.Length - 1; i++)
        {
            char c = value[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/'))
            {
                return false;
            }
        }

        return true;
    }
}
