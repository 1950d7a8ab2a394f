using Sluice.Transforms.Processing.Rules;

namespace Sluice.Transforms.Processing;

/// <summary>What processors need from the receiver that is not in their own settings.</summary>
internal sealed record ProcessorContext
{
    /// <summary>The clock; tests pass a fake one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// The HMAC-SHA256 secrets hashing uses, by product (the product bound to the API key). A
    /// product without a secret gets its values redacted instead of hashed: never stored in clear.
    /// </summary>
    public IReadOnlyDictionary<string, HashSecret> HashSecrets { get; init; } = new Dictionary<string, HashSecret>(StringComparer.Ordinal);

    /// <summary>The dynamic-telemetry rules in force; read on every batch, so a change holds within one batch.</summary>
    public IRuleSource Rules { get; init; } = StaticRuleSource.Empty;
}

/// <summary>
/// One product's hashing key: <paramref name="Key"/> in base64, at least 44 characters, as the
/// SDK's <c>PrivacyOptions.HashKey</c>; <paramref name="KeyId"/> prefixes each hash
/// (<c>keyIdBase64</c>) so keys can be rotated. With the SDK's key and id, a value the server
/// hashes equals the one the SDK would have sent, so counts of hashed users stay whole across
/// old and new clients.
/// </summary>
internal sealed record HashSecret(int KeyId, string Key);
