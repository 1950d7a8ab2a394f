-- Sessions per day (by the day they started): count, average and median length in seconds,
-- and events per session.
SELECT
    toDate(toDateTime(intDiv(Start, 1000000000))) AS Day,
    count() AS Sessions,
    round(avg((End - Start) / 1e9), 3) AS AvgSeconds,
    round(quantileExact(0.5)((End - Start) / 1e9), 3) AS MedianSeconds,
    round(avg(Events), 3) AS EventsPerSession
FROM
(
    SELECT SessionId, minMerge(Start) AS Start, maxMerge(End) AS End, countMerge(Events) AS Events
    FROM {database}.rollup_sessions
    WHERE Product = '{product}' AND Day >= toDate('{from}') - 1 AND Day <= toDate('{to}')
    GROUP BY SessionId
)
WHERE Day >= toDate('{from}') AND Day <= toDate('{to}')
GROUP BY Day
ORDER BY Day
