-- Rollups that dashboards read instead of raw rows: target tables plus materialized views
-- that fill them on every insert into otel_logs. Views see each inserted row, including a
-- duplicate that ReplacingMergeTree later collapses, so rollups count at-least-once; the raw
-- table with FINAL is exact. Rows stored before this migration are not rolled up (a backfill
-- would double-count if a cut-off run were retried). Every table is partitioned by day, so the
-- receiver's retention job drops old days from rollups too (retention.days per table name).

-- Events per minute by product, name, version, OS and channel; WeightedEvents re-weights
-- sampled events (sum of 1 / SampleRate), the count the product would have seen unsampled.
CREATE TABLE IF NOT EXISTS {database}.rollup_events_per_minute
(
    Product String,
    EventName String,
    ServiceVersion String,
    OsType String,
    ReleaseChannel String,
    Minute DateTime,
    Events UInt64,
    WeightedEvents Float64
)
ENGINE = SummingMergeTree((Events, WeightedEvents))
PARTITION BY toDate(Minute)
ORDER BY (Product, EventName, Minute, ServiceVersion, OsType, ReleaseChannel)
;
CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.rollup_events_per_minute_mv
TO {database}.rollup_events_per_minute
AS SELECT
    Product, EventName, ServiceVersion, OsType, ReleaseChannel,
    toStartOfMinute(Timestamp) AS Minute,
    count() AS Events,
    sum(1 / SampleRate) AS WeightedEvents
FROM {database}.otel_logs
GROUP BY Product, EventName, ServiceVersion, OsType, ReleaseChannel, Minute
;
-- Daily active users and devices as exact-distinct states: merge one day for DAU, the last 7
-- or 30 days' states for WAU or MAU (transforms/queries/active_users.sql).
CREATE TABLE IF NOT EXISTS {database}.rollup_active_daily
(
    Product String,
    Day Date,
    Users AggregateFunction(uniqExactIf, String, UInt8),
    Devices AggregateFunction(uniqExactIf, String, UInt8),
    Events AggregateFunction(count)
)
ENGINE = AggregatingMergeTree
PARTITION BY Day
ORDER BY (Product, Day)
;
CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.rollup_active_daily_mv
TO {database}.rollup_active_daily
AS SELECT
    Product,
    toDate(Timestamp) AS Day,
    uniqExactIfState(UserId, UserId != '') AS Users,
    uniqExactIfState(DeviceId, DeviceId != '') AS Devices,
    countState() AS Events
FROM {database}.otel_logs
GROUP BY Product, Day
;
-- Sessions: first and last event time and event count per session and day; a session's length
-- is maxMerge(End) - minMerge(Start) grouped by session (so one across midnight, stored as two
-- rows, comes out whole) and it counts on the day it started.
CREATE TABLE IF NOT EXISTS {database}.rollup_sessions
(
    Product String,
    Day Date,
    SessionId String,
    DeviceId String,
    Start AggregateFunction(min, UInt64),
    End AggregateFunction(max, UInt64),
    Events AggregateFunction(count)
)
ENGINE = AggregatingMergeTree
PARTITION BY Day
ORDER BY (Product, Day, SessionId, DeviceId)
;
CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.rollup_sessions_mv
TO {database}.rollup_sessions
AS SELECT
    Product, toDate(Timestamp) AS Day, SessionId, DeviceId,
    minState(TimestampNanos) AS Start,
    maxState(TimestampNanos) AS End,
    countState() AS Events
FROM {database}.otel_logs
WHERE SessionId != ''
GROUP BY Product, Day, SessionId, DeviceId
;
-- Errors and crashes per day and version, with the users and sessions they touched and all
-- users and sessions of that day and version, so crash-free users = 1 - CrashUsers / Users.
-- A crash is an error event (EventKind 'error') the app did not handle (ErrorHandled = 0).
CREATE TABLE IF NOT EXISTS {database}.rollup_errors_daily
(
    Product String,
    Day Date,
    ServiceVersion String,
    Errors AggregateFunction(sum, UInt64),
    Crashes AggregateFunction(sum, UInt64),
    Users AggregateFunction(uniqExactIf, String, UInt8),
    Sessions AggregateFunction(uniqExactIf, String, UInt8),
    ErrorUsers AggregateFunction(uniqExactIf, String, UInt8),
    CrashUsers AggregateFunction(uniqExactIf, String, UInt8),
    CrashSessions AggregateFunction(uniqExactIf, String, UInt8)
)
ENGINE = AggregatingMergeTree
PARTITION BY Day
ORDER BY (Product, Day, ServiceVersion)
;
CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.rollup_errors_daily_mv
TO {database}.rollup_errors_daily
AS SELECT
    Product,
    toDate(Timestamp) AS Day,
    ServiceVersion,
    sumState(toUInt64(EventKind = 'error')) AS Errors,
    sumState(toUInt64(EventKind = 'error' AND ErrorHandled = 0)) AS Crashes,
    uniqExactIfState(UserId, UserId != '') AS Users,
    uniqExactIfState(SessionId, SessionId != '') AS Sessions,
    uniqExactIfState(UserId, UserId != '' AND EventKind = 'error') AS ErrorUsers,
    uniqExactIfState(UserId, UserId != '' AND EventKind = 'error' AND ErrorHandled = 0) AS CrashUsers,
    uniqExactIfState(SessionId, SessionId != '' AND EventKind = 'error' AND ErrorHandled = 0) AS CrashSessions
FROM {database}.otel_logs
GROUP BY Product, Day, ServiceVersion
;
-- Ingestion delay per product and minute of receipt: count, quantiles and maximum.
CREATE TABLE IF NOT EXISTS {database}.rollup_ingestion_delay
(
    Product String,
    Minute DateTime,
    Events AggregateFunction(count),
    DelayMs AggregateFunction(quantilesTiming(0.5, 0.9, 0.99), UInt64),
    MaxDelayNanos AggregateFunction(max, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(Minute)
ORDER BY (Product, Minute)
;
CREATE MATERIALIZED VIEW IF NOT EXISTS {database}.rollup_ingestion_delay_mv
TO {database}.rollup_ingestion_delay
AS SELECT
    Product,
    toStartOfMinute(ReceivedTimestamp) AS Minute,
    countState() AS Events,
    quantilesTimingState(0.5, 0.9, 0.99)(toUInt64(IngestionDelayNanos / 1000000)) AS DelayMs,
    maxState(IngestionDelayNanos) AS MaxDelayNanos
FROM {database}.otel_logs
GROUP BY Product, Minute
