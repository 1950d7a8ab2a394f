using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using OpenTelemetry.Proto.Collector;
using Sluice.Receiver.Otlp;
using Sluice.Receiver.Spool;
using Sluice.Transforms.Model;

namespace Sluice.Receiver.Tests.Otlp;

public class OtlpResponseTests
{
    [Theory]
    [InlineData(Signal.Logs)]
    [InlineData(Signal.Traces)]
    [InlineData(Signal.Metrics)]
    public void Success_NothingRejected_IsEmpty(Signal signal)
    {
        Assert.Empty(OtlpResponse.Success(signal, PayloadEncoding.Protobuf, 0, null));
        Assert.Equal("{}", System.Text.Encoding.UTF8.GetString(OtlpResponse.Success(signal, PayloadEncoding.Json, 0, null)));
    }

    [Fact]
    public void Success_RejectedProtobuf_DecodesAsPartialSuccessOfEachSignal()
    {
        var logs = ExportLogsServiceResponse.Parser.ParseFrom(OtlpResponse.Success(Signal.Logs, PayloadEncoding.Protobuf, 3, "3 of 9 rejected"));
        var traces = ExportTraceServiceResponse.Parser.ParseFrom(OtlpResponse.Success(Signal.Traces, PayloadEncoding.Protobuf, 4, "spans"));
        var metrics = ExportMetricsServiceResponse.Parser.ParseFrom(OtlpResponse.Success(Signal.Metrics, PayloadEncoding.Protobuf, 5_000_000_000, "points"));

        Assert.Equal((3L, "3 of 9 rejected"), (logs.PartialSuccess.RejectedLogRecords, logs.PartialSuccess.ErrorMessage));
        Assert.Equal((4L, "spans"), (traces.PartialSuccess.RejectedSpans, traces.PartialSuccess.ErrorMessage));
        Assert.Equal((5_000_000_000L, "points"), (metrics.PartialSuccess.RejectedDataPoints, metrics.PartialSuccess.ErrorMessage));
    }

    [Fact]
    public void Success_RejectedJson_UsesOtlpJsonNames()
    {
        string json = System.Text.Encoding.UTF8.GetString(OtlpResponse.Success(Signal.Logs, PayloadEncoding.Json, 3, "bad <x> \"y\""));

        Assert.Equal("{\"partialSuccess\":{\"rejectedLogRecords\":\"3\",\"errorMessage\":\"bad <x> \\\"y\\\"\"}}", json);
        var parsed = Google.Protobuf.JsonParser.Default.Parse<ExportLogsServiceResponse>(json);
        Assert.Equal(3, parsed.PartialSuccess.RejectedLogRecords);
        Assert.Contains("rejectedDataPoints", System.Text.Encoding.UTF8.GetString(OtlpResponse.Success(Signal.Metrics, PayloadEncoding.Json, 1, null)));
        Assert.Contains("rejectedSpans", System.Text.Encoding.UTF8.GetString(OtlpResponse.Success(Signal.Traces, PayloadEncoding.Json, 1, null)));
    }

    [Fact]
    public void Status_WithRetryAfterProtobuf_CarriesRetryInfo()
    {
        byte[] body = OtlpResponse.Status(14, "spool full", TimeSpan.FromMilliseconds(2500), PayloadEncoding.Protobuf);

        Status status = Status.Parser.ParseFrom(body);
        Assert.Equal((14, "spool full"), (status.Code, status.Message));
        Any detail = Assert.Single(status.Details);
        Assert.Equal("type.googleapis.com/google.rpc.RetryInfo", detail.TypeUrl);
        RetryInfo retry = detail.Unpack<RetryInfo>();
        Assert.Equal(TimeSpan.FromMilliseconds(2500), retry.RetryDelay.ToTimeSpan());
    }

    [Fact]
    public void Status_WithoutRetryAfter_HasNoDetails()
    {
        Status status = Status.Parser.ParseFrom(OtlpResponse.Status(3, "bad request", null, PayloadEncoding.Protobuf));

        Assert.Equal((3, "bad request"), (status.Code, status.Message));
        Assert.Empty(status.Details);
    }

    [Fact]
    public void Status_Json_ParsesWithRetryDelay()
    {
        byte[] body = OtlpResponse.Status(8, "slow down", TimeSpan.FromSeconds(1.5), PayloadEncoding.Json);

        using JsonDocument doc = JsonDocument.Parse(body);
        Assert.Equal(8, doc.RootElement.GetProperty("code").GetInt32());
        Assert.Equal("slow down", doc.RootElement.GetProperty("message").GetString());
        JsonElement detail = doc.RootElement.GetProperty("details")[0];
        Assert.Equal("type.googleapis.com/google.rpc.RetryInfo", detail.GetProperty("@type").GetString());
        Assert.Equal("1.500000000s", detail.GetProperty("retryDelay").GetString());
        var parser = new Google.Protobuf.JsonParser(Google.Protobuf.JsonParser.Settings.Default.WithTypeRegistry(Google.Protobuf.Reflection.TypeRegistry.FromMessages(RetryInfo.Descriptor)));
        Status status = parser.Parse<Status>(System.Text.Encoding.UTF8.GetString(body));
        Assert.Equal(TimeSpan.FromSeconds(1.5), status.Details[0].Unpack<RetryInfo>().RetryDelay.ToTimeSpan());
    }
}
