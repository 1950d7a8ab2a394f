-- DAU, WAU, MAU and stickiness (DAU / MAU) per day. WAU and MAU of a day are the distinct users
-- of the 7 and 30 days ending on it: each daily exact-distinct state is merged into the windows
-- it belongs to (ARRAY JOIN over offsets), so no raw rows are read. Days before {from} are read
-- too, so the first days' windows are whole.
SELECT
    Day,
    DAU,
    WAU,
    MAU,
    round(DAU / MAU, 4) AS Stickiness
FROM
(
    SELECT Day + Offset AS Day,
        uniqExactIfMergeIf(Users, Offset = 0) AS DAU,
        uniqExactIfMergeIf(Users, Offset < 7) AS WAU,
        uniqExactIfMerge(Users) AS MAU
    FROM {database}.rollup_active_daily
    ARRAY JOIN range(30) AS Offset
    WHERE Product = '{product}' AND Day >= toDate('{from}') - 29 AND Day <= toDate('{to}')
    GROUP BY Day
)
WHERE Day >= toDate('{from}') AND Day <= toDate('{to}')
ORDER BY Day
