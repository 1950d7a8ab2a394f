using Sluice.Receiver.Spool;

namespace Sluice.Receiver.Health;

/// <summary><c>/healthz</c> (alive), <c>/readyz</c> (ClickHouse reachable, spool below its cap) and Prometheus <c>/metrics</c>.</summary>
internal static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder endpoints, int port)
    {
        string host = $"*:{port}";
        endpoints.MapGet("/healthz", () => Results.Text("ok\n")).RequireHost(host);
        endpoints.MapGet("/readyz", (ReceiverState state, FileSpool spool) =>
        {
            var reasons = state.NotReadyReasons();
            if (spool.IsAbovePushback)
            {
                reasons.Add($"the spool holds {spool.SizeBytes} of {spool.MaxBytes} bytes, above its push-back mark (extensions.file_storage.pushback_percent)");
            }

            return reasons.Count == 0
                ? Results.Text("ready\n")
                : Results.Text("not ready: " + string.Join("; ", reasons) + "\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        }).RequireHost(host);
        endpoints.MapPrometheusScrapingEndpoint("/metrics").RequireHost(host);
    }
}
