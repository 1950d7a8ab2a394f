using System.Collections.Frozen;
using Sluice.Transforms.Model;
using Sluice.Transforms.Processing.Schema;

namespace Sluice.Transforms.Processing.Privacy;

/// <summary>
/// <c>sluice_privacy</c>, the server's second line behind the SDK's privacy policy: hashes the
/// attributes the policy names when a client sent them in clear, drops the ones it names, finds
/// e-mail addresses, IP addresses, card numbers and IBANs in string values and bodies and
/// redacts or hashes them, and always drops the attributes that carry a client's network address.
/// Applies to log records (attributes and body), spans, metric points and their resources.
/// </summary>
internal sealed class PrivacyGuard : TelemetryProcessor
{
    public const string TypeName = "sluice_privacy";

    // Entries of the two per-instance caches below: keys and values repeat from event to event, and
    // the decoder hands out the same string instance for a repeat, so a reference lookup is enough.
    private const int CacheSize = 4096;

    /// <summary>Attributes that carry the client's network address: never stored, whatever the settings.</summary>
    public static readonly FrozenSet<string> NetworkAddressKeys = FrozenSet.Create(
        StringComparer.Ordinal,
        "client.address",
        "client.ip",
        "client.port",
        "source.address",
        "network.peer.address",
        "network.peer.port",
        "net.peer.ip",
        "net.peer.name",
        "net.sock.peer.addr",
        "net.sock.peer.port",
        "net.host.ip",
        "http.client_ip",
        "host.ip",
        "host.mac");

    // Ids, hashes and versions: scanning them finds only lookalikes (1.2.3.4 is a version here).
    private static readonly string[] DefaultSkipped =
    [
        WireNames.EventId, WireNames.SessionId, WireNames.DeviceId, WireNames.SampleRate,
        WireNames.SessionSequence, WireNames.SessionEpoch, WireNames.SchemaVersion, WireNames.TimeZoneOffsetMinutes,
        "trace_id", "span_id", "service.instance.id", "host.id", "telemetry.sdk.version",
    ];

    private readonly FrozenSet<string> _hashed;
    private readonly FrozenSet<string> _dropped;
    private readonly FrozenSet<string> _skipped;
    private readonly PiiKinds _detect;
    private readonly bool _hashFindings;
    private readonly bool _scanBody;
    private readonly bool _scanAttributes;
    private readonly ProductHasher _hasher;
    private readonly ResourceSet _resources = new();
    private readonly Func<PiiKinds, string, string> _replace;
    private readonly KeyAction?[] _keyActions = new KeyAction?[CacheSize];
    private readonly string?[] _cleanValues = new string?[CacheSize];
    private string _product = string.Empty;

    public PrivacyGuard(
        IEnumerable<string> hashed,
        IEnumerable<string> dropped,
        IEnumerable<string> skipped,
        PiiKinds detect,
        bool hashFindings,
        bool scanBody,
        bool scanAttributes,
        ProductHasher hasher)
    {
        _hashed = hashed.ToFrozenSet(StringComparer.Ordinal);
        _dropped = dropped.Concat(NetworkAddressKeys).ToFrozenSet(StringComparer.Ordinal);
        _skipped = skipped.Concat(DefaultSkipped).Concat(_hashed).ToFrozenSet(StringComparer.Ordinal);
        _detect = detect;
        _hashFindings = hashFindings;
        _scanBody = scanBody;
        _scanAttributes = scanAttributes;
        _hasher = hasher;
        _replace = Replace;
    }

    /// <summary>
    /// Settings: <c>hash_attributes</c> (default <c>[user.id, enduser.id]</c>), <c>drop_attributes</c>
    /// (default none), <c>detect</c> (any of email, ip, card, iban; default all), <c>action</c>
    /// (<c>redact</c> or <c>hash</c> for findings; default redact), <c>scan_body</c> and
    /// <c>scan_attributes</c> (default true), <c>skip_attributes</c> (more keys never scanned).
    /// </summary>
    public static PrivacyGuard Create(SettingsReader settings, ProcessorContext context)
    {
        IReadOnlyList<string> hashed = settings.StringList("hash_attributes") ?? [WireNames.UserId, WireNames.SemanticConventions.EndUserId];
        IReadOnlyList<string> dropped = settings.StringList("drop_attributes") ?? [];
        IReadOnlyList<string> skipped = settings.StringList("skip_attributes") ?? [];
        PiiKinds detect = PiiKinds.All;
        if (settings.StringList("detect") is { } names)
        {
            detect = PiiKinds.None;
            for (int i = 0; i < names.Count; i++)
            {
                PiiKinds kind = names[i] switch
                {
                    "email" => PiiKinds.Email,
                    "ip" => PiiKinds.Ip,
                    "card" => PiiKinds.Card,
                    "iban" => PiiKinds.Iban,
                    _ => PiiKinds.None,
                };
                if (kind == PiiKinds.None)
                {
                    settings.Error($"detect[{i}]", $"unknown kind '{names[i]}'; allowed: email, ip, card, iban");
                }

                detect |= kind;
            }
        }

        string action = settings.Choice("action", "redact", "redact", "hash");
        bool scanBody = settings.Bool("scan_body", true);
        bool scanAttributes = settings.Bool("scan_attributes", true);
        foreach (string key in hashed)
        {
            if (dropped.Contains(key, StringComparer.Ordinal))
            {
                settings.Error("hash_attributes", $"'{key}' is also in drop_attributes; name it in one list");
            }
        }

        settings.ReportUnknownKeys();
        return new PrivacyGuard(hashed, dropped, skipped, detect, action == "hash", scanBody, scanAttributes, new ProductHasher(context.HashSecrets));
    }

    public override void Process(TelemetryBatch batch)
    {
        _product = batch.Product;
        _resources.Clear();
        foreach (LogEvent log in batch.Logs)
        {
            VisitResource(log.Resource);
            Protect(log.Attributes);
            if (_scanBody && log.Body.Length > 0)
            {
                log.Body = Scan(log.Body);
            }
        }

        foreach (SpanEvent span in batch.Spans)
        {
            VisitResource(span.Resource);
            Protect(span.Attributes);
            foreach (SpanEventEntry entry in span.Events)
            {
                Protect(entry.Attributes);
            }
        }

        foreach (MetricPoint point in batch.Metrics)
        {
            VisitResource(point.Resource);
            Protect(point.Attributes);
        }

        _resources.Clear();
    }

    private void VisitResource(ResourceInfo? resource)
    {
        if (resource is not null && _resources.Add(resource))
        {
            Protect(resource.Attributes);
        }
    }

    private void Protect(AttributeList attributes)
    {
        // Walk backwards so removals do not shift the entries still to visit.
        for (int i = attributes.Count - 1; i >= 0; i--)
        {
            string key = attributes.Keys[i];
            string value = attributes.Values[i];
            switch (ActionFor(key))
            {
                case KeyAction.Kind.Drop:
                    attributes.RemoveAt(i);
                    break;
                case KeyAction.Kind.Hash:
                    if (value.Length > 0 && !ProductHasher.LooksHashed(value))
                    {
                        attributes.SetAt(i, _hasher.Hash(_product, value));
                    }

                    break;
                case KeyAction.Kind.Scan when _scanAttributes && value.Length > 0:
                    string rewritten = Scan(value);
                    if (!ReferenceEquals(rewritten, value))
                    {
                        attributes.SetAt(i, rewritten);
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// What to do with an attribute by its key, remembered per key instance (the decision depends
    /// only on the key and this instance's settings). A race between threads only costs a miss:
    /// each slot is one reference to an immutable key-and-action pair.
    /// </summary>
    private KeyAction.Kind ActionFor(string key)
    {
        ref KeyAction? slot = ref _keyActions[System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(key) & (CacheSize - 1)];
        KeyAction? cached = slot;
        if (cached is not null && ReferenceEquals(cached.Key, key))
        {
            return cached.Action;
        }

        KeyAction.Kind action = _dropped.Contains(key) ? KeyAction.Kind.Drop
            : _hashed.Contains(key) ? KeyAction.Kind.Hash
            : _skipped.Contains(key) || IsVersionKey(key) ? KeyAction.Kind.Keep
            : KeyAction.Kind.Scan;
        slot = new KeyAction(key, action);
        return action;
    }

    /// <summary>
    /// <see cref="PiiScanner.Rewrite"/>, skipped for a value instance already found clean: whether a
    /// value holds anything to redact depends only on the value and the kinds detected. Findings
    /// are not remembered (their replacement may depend on the product).
    /// </summary>
    private string Scan(string value)
    {
        ref string? slot = ref _cleanValues[System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(value) & (CacheSize - 1)];
        if (ReferenceEquals(slot, value))
        {
            return value;
        }

        string rewritten = PiiScanner.Rewrite(value, _detect, _replace);
        if (ReferenceEquals(rewritten, value))
        {
            slot = value;
        }

        return rewritten;
    }

    private string Replace(PiiKinds kind, string text)
    {
        string label = kind switch
        {
            PiiKinds.Email => "email",
            PiiKinds.Ip => "ip",
            PiiKinds.Card => "card",
            _ => "iban",
        };

        // A card number is hashed only as a redaction: its few digits of entropy make a keyed
        // hash guessable by anyone holding the key, and no analysis needs to correlate cards.
        return _hashFindings && kind != PiiKinds.Card && _hasher.HasKey(_product)
            ? $"[{label}:{_hasher.Hash(_product, text)}]"
            : $"[{label}]";
    }

    private static bool IsVersionKey(string key) => key.EndsWith("version", StringComparison.OrdinalIgnoreCase);

    /// <summary>A key and what to do with it.</summary>
    private sealed record KeyAction(string Key, KeyAction.Kind Action)
    {
        public enum Kind : byte
        {
            Scan,
            Keep,
            Hash,
            Drop,
        }
    }
}
