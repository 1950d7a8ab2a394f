using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using Microsoft.Extensions.Compliance.Redaction;
using Sluice.Sdk.Schema;

namespace Sluice.Sdk.Privacy;

/// <summary>
/// The privacy policy: which attributes are hashed or dropped, and the keyed hash itself. The
/// SDK's processor asks it about every attribute on the app's thread, drops what the policy drops
/// there, and puts a <see cref="HashedValue"/> in place of what it hashes, so nothing sensitive
/// reaches the offline store or the wire in clear. Hashing is HMAC-SHA256 through
/// <see cref="HmacRedactor"/> (output <c>keyId:base64</c>).
/// </summary>
internal sealed class PrivacyFilter
{
    private const int HashCacheSize = 4096;

    private readonly FrozenDictionary<string, PrivacyAction> _actions;
    private readonly ConcurrentDictionary<string, string> _cache = new(StringComparer.Ordinal);
    private readonly HmacRedactor? _hasher;
    private readonly bool _clearInternal;
    private readonly bool _clearTest;

    public PrivacyFilter(PrivacyOptions options)
    {
        // Name rules win over classification rules: they are the more specific statement.
        var actions = new Dictionary<string, PrivacyAction>(StringComparer.Ordinal);
        foreach (var (name, classification) in options.Classifications)
        {
            if (options.ClassificationActions.TryGetValue(classification, out var action))
            {
                actions[name] = action;
            }
            else
            {
                // A classified attribute with no action for its class is treated as sensitive.
                actions[name] = PrivacyAction.Hash;
            }
        }

        foreach (var (name, action) in options.Attributes)
        {
            actions[name] = action;
        }

        _actions = actions.ToFrozenDictionary(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(options.HashKey))
        {
            _hasher = new HmacRedactor(Microsoft.Extensions.Options.Options.Create(new HmacRedactorOptions
            {
                Key = options.HashKey,
                KeyId = options.HashKeyId,
            }));
        }

        _clearInternal = options.ClearUserIdKinds.Contains(UserKind.Internal);
        _clearTest = options.ClearUserIdKinds.Contains(UserKind.Test);
    }

    /// <summary>Whether the policy names any attribute; when not, attributes pass untouched.</summary>
    public bool HasAttributeRules => _actions.Count > 0;

    /// <summary>The action for an attribute name.</summary>
    public PrivacyAction ActionFor(string name) => _actions.TryGetValue(name, out var action) ? action : PrivacyAction.Keep;

    /// <summary>The user id as it may leave the process.</summary>
    public string ProtectUserId(UserState user)
    {
        // Racing threads may both compute it; they get the same value.
        return user.Protected ??= Protect(user);
    }

    private string Protect(UserState user)
    {
        var clear = user.Kind switch
        {
            UserKind.Internal => _clearInternal,
            UserKind.Test => _clearTest,
            _ => false,
        };
        return clear ? user.Id : Hash(user.Id);
    }

    /// <summary>The keyed hash of a value's invariant text.</summary>
    public string Hash(object? value)
    {
        var text = value switch
        {
            null => string.Empty,
            string s => s,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };

        // Without a key there is nothing stable to hash with; never fall back to clear text.
        if (_hasher is null)
        {
            return "redacted";
        }

        // One HMAC costs microseconds (an OpenSSL call on Linux) and sensitive values repeat
        // (the same path, the same e-mail), so recent results are kept. The cache only holds
        // values the app already has in memory; it is cleared rather than evicted when full.
        if (_cache.TryGetValue(text, out var hash))
        {
            return hash;
        }

        hash = _hasher.Redact(text);
        if (_cache.Count >= HashCacheSize)
        {
            _cache.Clear();
        }

        _cache[text] = hash;
        return hash;
    }
}
