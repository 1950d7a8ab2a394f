using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;

namespace Sluice.Sdk.Delivery;

/// <summary>
/// A channel's place in the OpenTelemetry pipeline: its filter, then a batch processor feeding
/// the official OTLP log exporter, whose HttpClient hands batches to the channel. It derives from
/// <see cref="CompositeProcessor{T}"/> so the SDK passes its provider (and the resource) down
/// to the exporter.
/// </summary>
internal sealed class ChannelProcessor : CompositeProcessor<LogRecord>
{
    private readonly string[] _exact;
    private readonly string[] _prefixes;
    private readonly bool _all;
    private readonly LogLevel _minimumLevel;
    private readonly DeliveryChannel _channel;

    public ChannelProcessor(DeliveryChannel channel)
        : base([CreateBatchProcessor(channel)])
    {
        _channel = channel;
        var options = channel.Options;
        _minimumLevel = options.MinimumLevel;
        var exact = new List<string>();
        var prefixes = new List<string>();
        foreach (var pattern in options.Events)
        {
            if (pattern == "*")
            {
                _all = true;
            }
            else if (pattern.EndsWith('*'))
            {
                prefixes.Add(pattern[..^1]);
            }
            else
            {
                exact.Add(pattern);
            }
        }

        _all |= options.Events.Count == 0;
        _exact = [.. exact];
        _prefixes = [.. prefixes];
    }

    public DeliveryChannel Channel => _channel;

    public override void OnEnd(LogRecord data)
    {
        if (Accepts(data))
        {
            _channel.Counters.AddQueued();
            base.OnEnd(data);
        }
    }

    internal bool Accepts(LogRecord record)
    {
        if (record.LogLevel < _minimumLevel)
        {
            return false;
        }

        if (_all)
        {
            return true;
        }

        var name = SluiceProcessor.EventNameOf(record);
        foreach (var exact in _exact)
        {
            if (string.Equals(exact, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (var prefix in _prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static BatchLogRecordExportProcessor CreateBatchProcessor(DeliveryChannel channel)
    {
        var options = channel.Options;
        var exporterOptions = new OtlpExporterOptions
        {
            // Never contacted: the bridge handler takes every request.
            Endpoint = new Uri("http://sluice.invalid/v1/logs"),
            Protocol = OtlpExportProtocol.HttpProtobuf,
            HttpClientFactory = () => new HttpClient(new ExporterBridgeHandler(channel)) { Timeout = Timeout.InfiniteTimeSpan },
        };
        var exporter = new OtlpLogExporter(exporterOptions);
        var flushMs = (int)Math.Clamp(options.FlushInterval.TotalMilliseconds, 1, int.MaxValue);
        return new BatchLogRecordExportProcessor(
            exporter,
            maxQueueSize: options.MaxQueueSize,
            scheduledDelayMilliseconds: flushMs,
            exporterTimeoutMilliseconds: 30_000,
            maxExportBatchSize: Math.Min(options.MaxEventsPerRequest, options.MaxQueueSize));
    }
}
