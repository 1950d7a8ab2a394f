using Microsoft.Extensions.Logging;

namespace Sluice.Sdk.Delivery;

/// <summary>One destination of events: its own endpoint, key, protocol, filter, batching, retry and offline folder.</summary>
public sealed class ChannelOptions
{
    /// <summary>The channel's name: letters, digits, '-', '_' (it names its offline-store folder).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The receiver's base address, for example <c>http://localhost:4318</c> (HTTP) or <c>http://localhost:4317</c> (gRPC).</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The key sent as <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>OTLP over HTTP/protobuf (default) or gRPC.</summary>
    public DeliveryProtocol Protocol { get; set; } = DeliveryProtocol.HttpProtobuf;

    /// <summary>
    /// Event names this channel takes; empty means all. An entry ending in <c>*</c> is a prefix.
    /// The event name is the OTLP event name (<c>EventId.Name</c> of an <c>ILogger</c> call).
    /// </summary>
    public IList<string> Events { get; } = [];

    /// <summary>The least severe level this channel takes.</summary>
    public LogLevel MinimumLevel { get; set; } = LogLevel.Trace;

    /// <summary>Most events per request.</summary>
    public int MaxEventsPerRequest { get; set; } = SluiceDefaults.MaxEventsPerRequest;

    /// <summary>Most bytes per request after gzip; larger batches are split.</summary>
    public int MaxRequestBytes { get; set; } = SluiceDefaults.MaxRequestBytes;

    /// <summary>Most events waiting in memory.</summary>
    public int MaxQueueSize { get; set; } = SluiceDefaults.MaxQueueSize;

    /// <summary>How often queued events are written to the offline store and sent.</summary>
    public TimeSpan FlushInterval { get; set; } = SluiceDefaults.FlushInterval;

    /// <summary>Time allowed for one request.</summary>
    public TimeSpan RequestTimeout { get; set; } = SluiceDefaults.RequestTimeout;

    /// <summary>Backoff ceiling of the first retry; it doubles per failure, up to <see cref="RetryMaxDelay"/>, with full jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = SluiceDefaults.RetryBaseDelay;

    /// <summary>Largest backoff ceiling.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = SluiceDefaults.RetryMaxDelay;
}

/// <summary>How a channel talks to its receiver.</summary>
public enum DeliveryProtocol
{
    /// <summary>OTLP over HTTP/1.1 with protobuf bodies, to <c>{endpoint}/v1/logs</c>.</summary>
    HttpProtobuf,

    /// <summary>OTLP over gRPC (HTTP/2).</summary>
    Grpc,
}
