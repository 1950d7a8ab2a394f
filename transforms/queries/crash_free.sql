-- Errors and crash-free users and sessions per day and version. A crash is an error event the
-- app did not handle.
SELECT
    Day,
    ServiceVersion,
    sumMerge(Errors) AS ErrorEvents,
    sumMerge(Crashes) AS Crashes,
    uniqExactIfMerge(Users) AS ActiveUsers,
    round(1 - uniqExactIfMerge(CrashUsers) / uniqExactIfMerge(Users), 4) AS CrashFreeUsers,
    round(1 - uniqExactIfMerge(CrashSessions) / uniqExactIfMerge(Sessions), 4) AS CrashFreeSessions
FROM {database}.rollup_errors_daily
WHERE Product = '{product}' AND Day >= toDate('{from}') AND Day <= toDate('{to}')
GROUP BY Day, ServiceVersion
ORDER BY Day, ServiceVersion
