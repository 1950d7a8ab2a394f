using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Otlp;

/// <summary>
/// State shared by the protobuf and JSON decoders for one request: where we are (for messages),
/// the per-item rejection rules, counters, and the event-id hashing. Both decoders fill the same
/// model and derive ids from it, so the two encodings of one request give the same ids.
/// </summary>
internal sealed class DecodeContext : IDisposable
{
    private const int MaxReasons = 3;

    private static readonly string[] LogLevels = ["resource_logs", "scope_logs", "log_records"];
    private static readonly string[] SpanLevels = ["resource_spans", "scope_spans", "spans"];
    private static readonly string[] MetricLevels = ["resource_metrics", "scope_metrics", "metrics", "data_points"];

    private readonly string[] _levelNames;
    private readonly int[] _indexes = new int[4];
    private readonly ulong _latestTime;
    private readonly Utf8Interner _interner = Utf8Interner.Current;
    private readonly NumberTexts _numbers = NumberTexts.Current;
    private byte[] _hashInput = new byte[512];
    private int _hashLength;
    private readonly ArrayBufferWriter<byte> _jsonBuffer = new(256);
    private readonly Utf8JsonWriter _json;
    private readonly List<string> _reasons = new(MaxReasons);
    private int _depth;
    private LogEvent? _scratchLog;
    private int _attributeCapacity = 8;
    private UInt128 _wireEventId;
    private bool _hasWireEventId;

    public DecodeContext(Signal signal, TelemetryBatch batch, DecodeLimits limits)
    {
        Signal = signal;
        Batch = batch;
        Limits = limits;
        _levelNames = signal switch
        {
            Signal.Logs => LogLevels,
            Signal.Traces => SpanLevels,
            _ => MetricLevels,
        };
        ulong skew = (ulong)Math.Max(0, limits.MaxFutureSkew.Ticks) * 100;
        _latestTime = batch.ReceivedUnixNano > ulong.MaxValue - skew ? ulong.MaxValue : batch.ReceivedUnixNano + skew;
        _json = new Utf8JsonWriter(_jsonBuffer, new JsonWriterOptions
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            MaxDepth = Math.Max(64, (limits.MaxNestingDepth * 2) + 4),
        });
    }

    public Signal Signal { get; }

    /// <summary>
    /// Set for the ingest-side check, whose items are counted and then thrown away: scalar attribute
    /// values and bodies are checked (size, nesting) but not turned into strings, and log records are
    /// not kept (<see cref="NewLog"/>), which saves most of that decode's allocations. Accepted and
    /// rejected counts are the same as a full decode's.
    /// </summary>
    public bool CheckOnly { get; init; }

    public TelemetryBatch Batch { get; }

    public DecodeLimits Limits { get; }

    public int Accepted { get; private set; }

    public int Rejected { get; private set; }

    /// <summary>The item's 0-based position in the whole request, counting rejected items too.</summary>
    public int Ordinal { get; private set; }

    /// <summary>Why the current item is rejected (first rule it broke), or null.</summary>
    public string? ItemError { get; private set; }

    /// <summary>Why every item of the current resource block is rejected, or null.</summary>
    public string? ResourceError { get; set; }

    /// <summary>Why every item of the current scope block is rejected, or null.</summary>
    public string? ScopeError { get; set; }

    /// <summary>
    /// A log record to decode into: a new one, or in <see cref="CheckOnly"/> mode one record reused for every
    /// item (they are counted, not kept, so a request's check allocates almost nothing per record).
    /// </summary>
    public LogEvent NewLog(ResourceInfo resource, ScopeInfo scope)
    {
        _hasWireEventId = false;
        if (!CheckOnly)
        {
            // Sized as the previous record ended up, with room for what the transforms add.
            var record = Batch.NewLog(_attributeCapacity);
            record.Resource = resource;
            record.Scope = scope;
            return record;
        }

        // Only what the check reads is reset: attributes are checked, never added (see ReadAttribute).
        var log = _scratchLog ??= new LogEvent();
        log.ObservedTimeUnixNano = 0;
        log.Resource = resource;
        log.Scope = scope;
        return log;
    }

    /// <summary>Records that the decoder is now inside element <paramref name="index"/> at <paramref name="level"/>.</summary>
    public void At(int level, int index)
    {
        _indexes[level] = index;
        _depth = level + 1;
    }

    /// <summary>Leaves everything below <paramref name="level"/> (the path then names the request or the block).</summary>
    public void Up(int level) => _depth = level;

    /// <summary>Where the decoder is, e.g. <c>resource_logs[0].scope_logs[1].log_records[3]</c>; empty at the top.</summary>
    public string Path()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < _depth; i++)
        {
            if (i > 0)
            {
                sb.Append('.');
            }

            sb.Append(_levelNames[i]).Append('[').Append(_indexes[i].ToString(CultureInfo.InvariantCulture)).Append(']');
        }

        return sb.ToString();
    }

    public OtlpFormatException FormatError(string what)
    {
        string path = Path();
        return new OtlpFormatException(path.Length == 0 ? what : path + ": " + what);
    }

    /// <summary>Starts a new item: clears its error.</summary>
    public void BeginItem() => ItemError = null;

    /// <summary>Marks the current item rejected; the first reason wins.</summary>
    public void Fail(string reason) => ItemError ??= Path() + " " + reason;

    /// <summary>
    /// Ends the current item: counts it as rejected (keeping the first reasons) or accepted.
    /// Returns whether it is accepted and should be appended.
    /// </summary>
    public bool EndItem()
    {
        Ordinal++;
        string? error = ResourceError ?? ScopeError ?? ItemError;
        if (error is null)
        {
            Accepted++;
            return true;
        }

        Rejected++;
        if (_reasons.Count < MaxReasons)
        {
            _reasons.Add(error);
        }

        return false;
    }

    public string? RejectionMessage()
    {
        if (Rejected == 0)
        {
            return null;
        }

        string noun = Signal switch
        {
            Signal.Logs => "log records",
            Signal.Traces => "spans",
            _ => "data points",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{Rejected} of {Accepted + Rejected} {noun} rejected: {string.Join("; ", _reasons)}");
    }

    /// <summary>Takes the current error as a block-level reason (resource or scope attribute over a limit), or null.</summary>
    public string? TakeBlockError()
    {
        string? reason = ItemError;
        ItemError = null;
        return reason;
    }

    public void CheckTime(ulong unixNano, string what)
    {
        if (unixNano > _latestTime)
        {
            Fail(string.Create(CultureInfo.InvariantCulture, $"{what} {unixNano} is more than limits.max_future_skew ({Limits.MaxFutureSkew}) after the receive time {Batch.ReceivedUnixNano}"));
        }
    }

    public void CheckValueSize(string? key, int bytes)
    {
        if (bytes > Limits.MaxAttributeValueBytes)
        {
            string what = key is null ? "body" : "attribute '" + key + "' value";
            Fail(string.Create(CultureInfo.InvariantCulture, $"{what} is {bytes} bytes, over limits.max_attribute_value_size ({Limits.MaxAttributeValueBytes})"));
        }
    }

    /// <summary>Whether a value at <paramref name="depth"/> levels of arrays/lists may be read; rejects the item when not.</summary>
    public bool CheckDepth(string? key, int depth)
    {
        if (depth <= Limits.MaxNestingDepth)
        {
            return true;
        }

        string what = key is null ? "body" : "attribute '" + key + "' value";
        Fail(string.Create(CultureInfo.InvariantCulture, $"{what} is nested deeper than limits.max_nesting_depth ({Limits.MaxNestingDepth})"));
        return false;
    }

    /// <summary>Renders a trace or span id from bytes, rejecting the item for a wrong length.</summary>
    public string IdToHex(ReadOnlySpan<byte> id, int expected, string what)
    {
        if (id.Length == 0)
        {
            return string.Empty;
        }

        if (id.Length != expected)
        {
            Fail(string.Create(CultureInfo.InvariantCulture, $"{what} is {id.Length} bytes, expected 0 or {expected}"));
            return string.Empty;
        }

        return Convert.ToHexStringLower(id);
    }

    /// <summary>Normalizes a hex trace or span id from JSON, rejecting the item for a wrong length or a non-hex character.</summary>
    public string HexId(string hex, int expectedBytes, string what)
    {
        if (hex.Length == 0)
        {
            return string.Empty;
        }

        if (hex.Length != expectedBytes * 2 || !IsHex(hex))
        {
            Fail(string.Create(CultureInfo.InvariantCulture, $"{what} '{Truncate(hex)}' is not 0 or {expectedBytes * 2} hex characters"));
            return string.Empty;
        }

        return hex.ToLowerInvariant();
    }

    public void CheckSeverity(long number)
    {
        if (number is < 0 or > 24)
        {
            Fail(string.Create(CultureInfo.InvariantCulture, $"severity number {number} is outside 0-24"));
        }
    }

    /// <summary>The writer used to render arrays and key/value lists as compact JSON; call <see cref="TakeJson"/> after.</summary>
    public Utf8JsonWriter StartJson()
    {
        _jsonBuffer.ResetWrittenCount();
        _json.Reset(_jsonBuffer);
        return _json;
    }

    public string TakeJson()
    {
        _json.Flush();
        return Encoding.UTF8.GetString(_jsonBuffer.WrittenSpan);
    }

    /// <summary>
    /// The string for UTF-8 that may repeat across items (attribute keys and values, severity text):
    /// short ones come from the thread's <see cref="Utf8Interner"/>, so a repeat allocates nothing.
    /// </summary>
    public string ShortString(ReadOnlySpan<byte> utf8) => _interner.GetString(utf8);

    /// <summary><see cref="ShortString(ReadOnlySpan{byte})"/> for text that tends to repeat at <paramref name="position"/> (see <see cref="Utf8Interner.GetString(ReadOnlySpan{byte}, int)"/>).</summary>
    public string ShortString(ReadOnlySpan<byte> utf8, int position) => _interner.GetString(utf8, position);

    /// <summary>An integer attribute value as text (as <see cref="NumberTexts.FormatInt"/>), from the thread's <see cref="NumberTexts"/>.</summary>
    public string IntText(long value) => _numbers.Int(value);

    /// <summary>A double attribute value as text (as <see cref="NumberTexts.FormatDouble"/>), from the thread's <see cref="NumberTexts"/>.</summary>
    public string DoubleText(double value) => _numbers.Double(value);

    /// <summary>Digest of a resource block: its attributes and schema URL.</summary>
    public UInt128 Digest(ResourceInfo resource)
    {
        _hashLength = 0;
        AppendAttributes(resource.Attributes);
        AppendString(resource.SchemaUrl);
        return HashInput();
    }

    /// <summary>Digest of a scope block: name, version, attributes and schema URL.</summary>
    public UInt128 Digest(ScopeInfo scope)
    {
        _hashLength = 0;
        AppendString(scope.Name);
        AppendString(scope.Version);
        AppendAttributes(scope.Attributes);
        AppendString(scope.SchemaUrl);
        return HashInput();
    }

    /// <summary>
    /// Finishes a log record that passed the rules: derives its time and event name, and its event id
    /// from <c>event.id</c> or from its content (see <see cref="OtlpDecoder"/>).
    /// </summary>
    public void CompleteLog(LogEvent log, ulong timeUnixNano, UInt128 resourceDigest, UInt128 scopeDigest)
    {
        log.TimeUnixNano = timeUnixNano != 0 ? timeUnixNano
            : log.ObservedTimeUnixNano != 0 ? log.ObservedTimeUnixNano
            : Batch.ReceivedUnixNano;
        if (log.EventName.Length == 0)
        {
            log.EventName = log.Attributes.Get("event.name") ?? string.Empty;
        }

        _attributeCapacity = Math.Clamp(log.Attributes.Count + 8, 8, 128);
        if (_hasWireEventId)
        {
            log.EventId = _wireEventId;
            _hasWireEventId = false;
            return;
        }

        string? eventId = log.Attributes.Get("event.id");
        if (eventId is not null)
        {
            log.EventId = ParseEventId(eventId);
            log.Attributes.Remove("event.id");
            return;
        }

        BeginItemHash(resourceDigest, scopeDigest);
        AppendUInt64(timeUnixNano);
        AppendUInt64(log.ObservedTimeUnixNano);
        AppendUInt64(log.SeverityNumber);
        AppendString(log.SeverityText);
        AppendString(log.Body);
        AppendAttributes(log.Attributes);
        AppendUInt64(log.DroppedAttributesCount);
        AppendUInt64(log.TraceFlags);
        AppendString(log.TraceId);
        AppendString(log.SpanId);
        AppendString(log.EventName);
        log.EventId = EndItemHash();
    }

    /// <summary>Span ids depend only on what identifies the span, so any copy of it collapses in storage.</summary>
    public void CompleteSpan(SpanEvent span)
    {
        _hashLength = 0;
        AppendString(Batch.Product);
        AppendString(span.TraceId);
        AppendString(span.SpanId);
        span.EventId = HashInput();
    }

    public void CompletePoint(MetricPoint point, UInt128 resourceDigest, UInt128 scopeDigest)
    {
        BeginItemHash(resourceDigest, scopeDigest);
        AppendString(point.Name);
        AppendString(point.Description);
        AppendString(point.Unit);
        AppendUInt64((ulong)point.Kind);
        AppendAttributes(point.Attributes);
        AppendUInt64(point.StartTimeUnixNano);
        AppendUInt64(point.TimeUnixNano);
        AppendUInt64(point.Flags);
        AppendDouble(point.Value);
        AppendUInt64((ulong)point.AggregationTemporality);
        AppendUInt64(point.IsMonotonic ? 1UL : 0UL);
        AppendUInt64(point.Count);
        AppendDouble(point.Sum);
        AppendDouble(point.Min);
        AppendDouble(point.Max);
        AppendList(point.BucketCounts);
        AppendList(point.ExplicitBounds);
        AppendUInt64((ulong)point.Scale);
        AppendUInt64(point.ZeroCount);
        AppendUInt64((ulong)point.PositiveOffset);
        AppendList(point.PositiveBucketCounts);
        AppendUInt64((ulong)point.NegativeOffset);
        AppendList(point.NegativeBucketCounts);
        AppendList(point.Quantiles);
        AppendList(point.QuantileValues);
        point.EventId = EndItemHash();
    }

    /// <summary>
    /// Whether the decoder should take the current record's <c>event.id</c> string straight from the
    /// wire (<see cref="TakeWireEventId"/>) instead of adding it as an attribute: in a full decode, for
    /// the first one of a record.
    /// </summary>
    public bool WantsWireEventId => !CheckOnly && !_hasWireEventId;

    /// <summary>Takes the current record's <c>event.id</c> from its UTF-8 text; <see cref="CompleteLog"/> then uses it.</summary>
    public void TakeWireEventId(ReadOnlySpan<byte> utf8)
    {
        _wireEventId = ParseEventId(utf8);
        _hasWireEventId = true;
    }

    /// <summary>
    /// <see cref="ParseEventId(string)"/> from UTF-8 without making a string for the usual forms
    /// (32 hex characters, or a dashed UUID); anything else goes through the string form, so both
    /// always give the same id.
    /// </summary>
    public static UInt128 ParseEventId(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length is 32 or 36 && Ascii.IsValid(utf8))
        {
            Span<char> chars = stackalloc char[36];
            Ascii.ToUtf16(utf8, chars, out int written);
            if (TryParseUuidOrHex(chars[..written], out UInt128 id))
            {
                return id;
            }
        }

        return ParseEventId(Encoding.UTF8.GetString(utf8));
    }

    /// <summary>
    /// The id an <c>event.id</c> attribute names: a UUID in any common form or 32 hex characters
    /// are those 16 bytes (big-endian, as written); anything else is hashed.
    /// </summary>
    public static UInt128 ParseEventId(string value)
    {
        ReadOnlySpan<char> s = value.AsSpan().Trim();
        if (s.Length >= 2 && ((s[0] == '{' && s[^1] == '}') || (s[0] == '(' && s[^1] == ')')))
        {
            s = s[1..^1];
        }

        if (s.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase))
        {
            s = s[9..];
        }

        return TryParseUuidOrHex(s, out UInt128 id) ? id : XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(value));
    }

    public void Dispose() => _json.Dispose();

    // 32 hex digits, or 36 with dashes where a UUID has them: those 16 bytes, big-endian.
    private static bool TryParseUuidOrHex(ReadOnlySpan<char> s, out UInt128 id)
    {
        id = default;
        Span<char> hex = stackalloc char[32];
        int n = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '-' && s.Length == 36 && i is 8 or 13 or 18 or 23)
            {
                continue;
            }

            if (n == 32 || !char.IsAsciiHexDigit(c))
            {
                return false;
            }

            hex[n++] = c;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (n != 32 || Convert.FromHexString(hex, bytes, out _, out int written) != OperationStatus.Done || written != 16)
        {
            return false;
        }

        id = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return true;
    }

    private static bool IsHex(string s)
    {
        foreach (char c in s)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "...";

    private void BeginItemHash(UInt128 resourceDigest, UInt128 scopeDigest)
    {
        _hashLength = 0;
        AppendString(Batch.Product);
        BinaryPrimitives.WriteUInt128LittleEndian(Reserve(16), resourceDigest);
        BinaryPrimitives.WriteUInt128LittleEndian(Reserve(16), scopeDigest);
    }

    private UInt128 EndItemHash()
    {
        // Ordinal was already advanced by EndItem; the item's own ordinal is one less.
        AppendUInt64((ulong)(Ordinal - 1));
        return HashInput();
    }

    // The hash input is gathered in one buffer and hashed at once: cheaper than many tiny appends.
    private UInt128 HashInput() => XxHash128.HashToUInt128(_hashInput.AsSpan(0, _hashLength));

    private Span<byte> Reserve(int count)
    {
        if (_hashInput.Length - _hashLength < count)
        {
            Array.Resize(ref _hashInput, Math.Max(_hashInput.Length * 2, _hashLength + count));
        }

        Span<byte> span = _hashInput.AsSpan(_hashLength, count);
        _hashLength += count;
        return span;
    }

    private void AppendUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    private void AppendDouble(double value) => AppendUInt64(BitConverter.DoubleToUInt64Bits(value));

    // Length-prefixed so that ("ab", "c") and ("a", "bc") differ; UTF-16 code units need no transcoding.
    private void AppendString(string value)
    {
        AppendUInt64((ulong)value.Length);
        AppendBytes(MemoryMarshal.AsBytes(value.AsSpan()));
    }

    private void AppendBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    private void AppendAttributes(AttributeList attributes)
    {
        AppendUInt64((ulong)attributes.Count);
        ReadOnlySpan<string> keys = attributes.Keys;
        ReadOnlySpan<string> values = attributes.Values;
        for (int i = 0; i < keys.Length; i++)
        {
            AppendString(keys[i]);
            AppendString(values[i]);
        }
    }

    private void AppendList(List<ulong> values)
    {
        AppendUInt64((ulong)values.Count);
        AppendBytes(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(values)));
    }

    private void AppendList(List<double> values)
    {
        AppendUInt64((ulong)values.Count);
        AppendBytes(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(values)));
    }
}
