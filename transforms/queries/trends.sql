-- Trends: events per day and event name, as received and re-weighted for sampling.
-- Reads the per-minute rollup. Columns: day, event name, events stored, estimated events.
-- SDK self-reports (sluice.sdk.health) are not product usage and are left out.
SELECT
    toDate(Minute) AS Day,
    EventName,
    sum(Events) AS StoredEvents,
    round(sum(WeightedEvents), 3) AS EstimatedEvents
FROM {database}.rollup_events_per_minute
WHERE Product = '{product}' AND Minute >= toDateTime('{from} 00:00:00') AND Minute < toDateTime('{to} 00:00:00') + 86400 AND EventName != 'sluice.sdk.health'
GROUP BY Day, EventName
ORDER BY Day, EventName
