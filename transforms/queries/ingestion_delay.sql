-- Ingestion delay per hour of receipt: events and the 50th, 90th and 99th percentile delay in
-- milliseconds (event time to receipt, after clock-skew correction), and the worst in seconds.
SELECT
    toStartOfHour(Minute) AS Hour,
    countMerge(Events) AS Events,
    quantilesTimingMerge(0.5, 0.9, 0.99)(DelayMs) AS DelayMsP50P90P99,
    round(maxMerge(MaxDelayNanos) / 1e9, 3) AS MaxDelaySeconds
FROM {database}.rollup_ingestion_delay
WHERE Product = '{product}' AND Minute >= toDateTime('{from} 00:00:00') AND Minute < toDateTime('{to} 00:00:00') + 86400
GROUP BY Hour
ORDER BY Hour
