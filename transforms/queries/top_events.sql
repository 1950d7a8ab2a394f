-- Top 20 events over the period by estimated count (sampled events re-weighted), with the
-- number actually stored.
-- SDK self-reports (sluice.sdk.health) are not product usage and are left out.
SELECT
    EventName,
    round(sum(WeightedEvents), 3) AS EstimatedEvents,
    sum(Events) AS StoredEvents
FROM {database}.rollup_events_per_minute
WHERE Product = '{product}' AND Minute >= toDateTime('{from} 00:00:00') AND Minute < toDateTime('{to} 00:00:00') + 86400 AND EventName != 'sluice.sdk.health'
GROUP BY EventName
ORDER BY EstimatedEvents DESC, EventName
LIMIT 20
