namespace Sluice.Sdk.Privacy;

/// <summary>
/// The privacy policy: which attributes are sensitive (by name, or through a data
/// classification) and whether they are hashed or dropped before they leave the process.
/// </summary>
public sealed class PrivacyOptions
{
    /// <summary>
    /// The per-product HMAC-SHA256 key, base 64, at least 44 characters (32 bytes). Keep it the
    /// same across releases: the hashes stay stable so distinct users can still be counted.
    /// </summary>
    public string HashKey { get; set; } = string.Empty;

    /// <summary>Identifies the key; it prefixes each hash (<c>keyId:hash</c>) so hashes of different keys are never compared.</summary>
    public int HashKeyId { get; set; } = 1;

    /// <summary>Attribute name to action, for example <c>"email": "Hash"</c>.</summary>
    public IDictionary<string, PrivacyAction> Attributes { get; } = new Dictionary<string, PrivacyAction>(StringComparer.Ordinal);

    /// <summary>Attribute name to data classification, for example <c>"email": "EUII"</c>.</summary>
    public IDictionary<string, string> Classifications { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Data classification to action, for example <c>"EUII": "Hash"</c>, <c>"Secret": "Drop"</c>.</summary>
    public IDictionary<string, PrivacyAction> ClassificationActions { get; } = new Dictionary<string, PrivacyAction>(StringComparer.OrdinalIgnoreCase);

    /// <summary>User kinds whose user id is sent in clear; external users are always hashed.</summary>
    public IList<UserKind> ClearUserIdKinds { get; } = [];
}

/// <summary>What happens to a sensitive value.</summary>
public enum PrivacyAction
{
    /// <summary>Sent as is.</summary>
    Keep,

    /// <summary>Replaced by its keyed hash (HMAC-SHA256).</summary>
    Hash,

    /// <summary>Removed.</summary>
    Drop,
}

/// <summary>Who the current user is, for the privacy policy.</summary>
public enum UserKind
{
    /// <summary>A customer: the user id is always hashed.</summary>
    External,

    /// <summary>An employee.</summary>
    Internal,

    /// <summary>A test or automation account.</summary>
    Test,
}
