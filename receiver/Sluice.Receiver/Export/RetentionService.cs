using Sluice.Receiver.ClickHouse;
using Sluice.Receiver.Configuration;

namespace Sluice.Receiver.Export;

/// <summary>Runs the retention job (drop partitions older than each table's retention) a minute after start and then hourly.</summary>
internal sealed class RetentionService(ClickHouseClient client, ReceiverConfig config, TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var job = new RetentionJob(client, config.ClickHouse, time, logger);
        // The first run waits a minute: the exporter creates the schema first.
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            timer.Period = Interval;
            try
            {
                int dropped = await job.RunOnceAsync(stoppingToken).ConfigureAwait(false);
                if (dropped > 0)
                {
                    Log.RetentionDropped(logger, dropped);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.RetentionFailed(logger, ex);
            }
        }
    }
}
