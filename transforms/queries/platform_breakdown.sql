-- Platform breakdown: events (stored and estimated) and share of estimated events per OS
-- family and release channel over the period.
-- SDK self-reports (sluice.sdk.health) are not product usage and are left out.
SELECT
    OsType,
    ReleaseChannel,
    sum(Events) AS StoredEvents,
    round(sum(WeightedEvents), 3) AS EstimatedEvents,
    round(sum(WeightedEvents) / (
        SELECT sum(WeightedEvents) FROM {database}.rollup_events_per_minute
        WHERE Product = '{product}' AND Minute >= toDateTime('{from} 00:00:00') AND Minute < toDateTime('{to} 00:00:00') + 86400 AND EventName != 'sluice.sdk.health'), 4) AS Share
FROM {database}.rollup_events_per_minute
WHERE Product = '{product}' AND Minute >= toDateTime('{from} 00:00:00') AND Minute < toDateTime('{to} 00:00:00') + 86400 AND EventName != 'sluice.sdk.health'
GROUP BY OsType, ReleaseChannel
ORDER BY OsType, ReleaseChannel
