-- Re-weighting sampled counts from raw rows: each stored event stands for 1 / SampleRate
-- events. The rollups carry the same sum (WeightedEvents); this form works on any filter of
-- the raw table. Deduplicated with FINAL, so a retried delivery is counted once.
-- SDK self-reports (sluice.sdk.health) are not product usage and are left out.
SELECT
    EventName,
    count() AS StoredEvents,
    round(sum(1 / SampleRate), 3) AS EstimatedEvents,
    min(SampleRate) AS LowestRate
FROM {database}.otel_logs FINAL
WHERE Product = '{product}' AND Timestamp >= toDateTime('{from} 00:00:00') AND Timestamp < toDateTime('{to} 00:00:00') + 86400 AND EventName != 'sluice.sdk.health'
GROUP BY EventName
ORDER BY EventName
