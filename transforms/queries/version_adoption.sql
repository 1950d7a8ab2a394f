-- Version adoption: per day, the devices seen on each version and their share of the day's
-- devices. A device that updated during the day counts for both versions.
-- SDK self-reports (sluice.sdk.health) are not product usage and are left out.
SELECT
    Day,
    ServiceVersion,
    Devices,
    round(Devices / DayDevices, 4) AS Share
FROM
(
    SELECT toDate(Timestamp) AS Day, ServiceVersion, uniqExact(DeviceId) AS Devices
    FROM {database}.otel_logs
    WHERE Product = '{product}' AND Timestamp >= toDateTime('{from} 00:00:00') AND Timestamp < toDateTime('{to} 00:00:00') + 86400 AND DeviceId != '' AND EventName != 'sluice.sdk.health'
    GROUP BY Day, ServiceVersion
)
ANY INNER JOIN
(
    SELECT toDate(Timestamp) AS Day, uniqExact(DeviceId) AS DayDevices
    FROM {database}.otel_logs
    WHERE Product = '{product}' AND Timestamp >= toDateTime('{from} 00:00:00') AND Timestamp < toDateTime('{to} 00:00:00') + 86400 AND DeviceId != '' AND EventName != 'sluice.sdk.health'
    GROUP BY Day
) USING Day
ORDER BY Day, ServiceVersion
