-- Funnel: how many users reached each step of {step1} -> {step2} -> {step3}, in that order,
-- within one hour of the first step, over the period. windowFunnel gives each user the
-- deepest step reached; a user at step k also counts for every step before it.
SELECT
    Step,
    countIf(Level >= Step) AS Users
FROM
(
    SELECT UserId, windowFunnel(3600)(Timestamp, EventName = '{step1}', EventName = '{step2}', EventName = '{step3}') AS Level
    FROM {database}.otel_logs
    WHERE Product = '{product}' AND Timestamp >= toDateTime('{from} 00:00:00') AND Timestamp < toDateTime('{to} 00:00:00') + 86400 AND UserId != ''
    GROUP BY UserId
)
ARRAY JOIN [1, 2, 3] AS Step
GROUP BY Step
ORDER BY Step
