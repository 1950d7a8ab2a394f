-- Retention cohorts: users grouped by the day they were first seen in the period, and how
-- many of them were active again N days later (N = 0 is the cohort's size).
SELECT
    Cohort,
    DayOffset,
    uniqExact(UserId) AS Users
FROM
(
    SELECT UserId, toDate(Timestamp) AS Day
    FROM {database}.otel_logs
    WHERE Product = '{product}' AND Timestamp >= toDateTime('{from} 00:00:00') AND Timestamp < toDateTime('{to} 00:00:00') + 86400 AND UserId != ''
    GROUP BY UserId, Day
)
ANY INNER JOIN
(
    SELECT UserId, min(toDate(Timestamp)) AS Cohort
    FROM {database}.otel_logs
    WHERE Product = '{product}' AND Timestamp >= toDateTime('{from} 00:00:00') AND Timestamp < toDateTime('{to} 00:00:00') + 86400 AND UserId != ''
    GROUP BY UserId
) USING UserId
GROUP BY Cohort, Day - Cohort AS DayOffset
ORDER BY Cohort, DayOffset
