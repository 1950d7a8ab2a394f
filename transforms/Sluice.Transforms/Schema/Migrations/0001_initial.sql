-- The initial tables. Types are the ones ClickHouse 18.16 and current ClickHouse share:
-- times as DateTime (seconds, for partitions and ranges) plus a UInt64 of full Unix
-- nanoseconds; attribute maps as parallel key/value arrays (a later migration adds Map
-- ALIAS columns named ResourceAttributes, LogAttributes, ... where the server has Map).
-- Column names follow the OpenTelemetry Collector's ClickHouse exporter where the concept
-- exists there. Every table is a ReplacingMergeTree whose key ends in EventId, so an item
-- delivered twice (SDK retry, spool replay) is counted once with FINAL.
-- Statements are separated by lines holding only ';'.

CREATE TABLE IF NOT EXISTS {database}.otel_logs
(
    EventId FixedString(16),
    Timestamp DateTime,
    TimestampNanos UInt64,
    ObservedTimestampNanos UInt64,
    TraceId String,
    SpanId String,
    TraceFlags UInt32,
    SeverityText String,
    SeverityNumber UInt8,
    ServiceName String,
    Body String,
    EventName String,
    Product String,
    ReceivedTimestamp DateTime,
    ReceivedTimestampNanos UInt64,
    ClientSentNanos UInt64,
    ResourceSchemaUrl String,
    ResourceAttributesKeys Array(String),
    ResourceAttributesValues Array(String),
    ScopeName String,
    ScopeVersion String,
    ScopeSchemaUrl String,
    ScopeAttributesKeys Array(String),
    ScopeAttributesValues Array(String),
    LogAttributesKeys Array(String),
    LogAttributesValues Array(String),
    DroppedAttributesCount UInt32
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (Product, EventName, Timestamp, EventId)
;
CREATE TABLE IF NOT EXISTS {database}.otel_traces
(
    EventId FixedString(16),
    Timestamp DateTime,
    TimestampNanos UInt64,
    TraceId String,
    SpanId String,
    ParentSpanId String,
    TraceState String,
    SpanName String,
    SpanKind String,
    ServiceName String,
    Product String,
    ReceivedTimestampNanos UInt64,
    ClientSentNanos UInt64,
    ResourceSchemaUrl String,
    ResourceAttributesKeys Array(String),
    ResourceAttributesValues Array(String),
    ScopeName String,
    ScopeVersion String,
    ScopeSchemaUrl String,
    ScopeAttributesKeys Array(String),
    ScopeAttributesValues Array(String),
    SpanAttributesKeys Array(String),
    SpanAttributesValues Array(String),
    Duration UInt64,
    StatusCode String,
    StatusMessage String,
    Events Nested
    (
        Timestamp DateTime,
        TimestampNanos UInt64,
        Name String,
        AttributesKeys Array(String),
        AttributesValues Array(String)
    ),
    Links Nested
    (
        TraceId String,
        SpanId String,
        TraceState String,
        AttributesKeys Array(String),
        AttributesValues Array(String)
    )
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (Product, ServiceName, SpanName, Timestamp, EventId)
;
CREATE TABLE IF NOT EXISTS {database}.otel_metrics_gauge
(
    EventId FixedString(16),
    Product String,
    ServiceName String,
    ReceivedTimestampNanos UInt64,
    ResourceSchemaUrl String,
    ResourceAttributesKeys Array(String),
    ResourceAttributesValues Array(String),
    ScopeName String,
    ScopeVersion String,
    ScopeSchemaUrl String,
    ScopeAttributesKeys Array(String),
    ScopeAttributesValues Array(String),
    MetricName String,
    MetricDescription String,
    MetricUnit String,
    AttributesKeys Array(String),
    AttributesValues Array(String),
    StartTimeUnix DateTime,
    StartTimeUnixNanos UInt64,
    TimeUnix DateTime,
    TimeUnixNanos UInt64,
    Flags UInt32,
    Value Float64
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(TimeUnix)
ORDER BY (Product, ServiceName, MetricName, TimeUnix, EventId)
;
CREATE TABLE IF NOT EXISTS {database}.otel_metrics_sum
(
    EventId FixedString(16),
    Product String,
    ServiceName String,
    ReceivedTimestampNanos UInt64,
    ResourceSchemaUrl String,
    ResourceAttributesKeys Array(String),
    ResourceAttributesValues Array(String),
    ScopeName String,
    ScopeVersion String,
    ScopeSchemaUrl String,
    ScopeAttributesKeys Array(String),
    ScopeAttributesValues Array(String),
    MetricName String,
    MetricDescription String,
    MetricUnit String,
    AttributesKeys Array(String),
    AttributesValues Array(String),
    StartTimeUnix DateTime,
    StartTimeUnixNanos UInt64,
    TimeUnix DateTime,
    TimeUnixNanos UInt64,
    Flags UInt32,
    Value Float64,
    AggregationTemporality Int32,
    IsMonotonic UInt8
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(TimeUnix)
ORDER BY (Product, ServiceName, MetricName, TimeUnix, EventId)
;
CREATE TABLE IF NOT EXISTS {database}.otel_metrics_histogram
(
    EventId FixedString(16),
    Product String,
    ServiceName String,
    ReceivedTimestampNanos UInt64,
    ResourceSchemaUrl String,
    ResourceAttributesKeys Array(String),
    ResourceAttributesValues Array(String),
    ScopeName String,
    ScopeVersion String,
    ScopeSchemaUrl String,
    ScopeAttributesKeys Array(String),
    ScopeAttributesValues Array(String),
    MetricName String,
    MetricDescription String,
    MetricUnit String,
    AttributesKeys Array(String),
    AttributesValues Array(String),
    StartTimeUnix DateTime,
    StartTimeUnixNanos UInt64,
    TimeUnix DateTime,
    TimeUnixNanos UInt64,
    Flags UInt32,
    Count UInt64,
    Sum Float64,
    BucketCounts Array(UInt64),
    ExplicitBounds Array(Float64),
    Min Float64,
    Max Float64,
    AggregationTemporality Int32
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(TimeUnix)
ORDER BY (Product, ServiceName, MetricName, TimeUnix, EventId)
;
CREATE TABLE IF NOT EXISTS {database}.otel_metrics_exponential_histogram
(
    EventId FixedString(16),
    Product String,
    ServiceName String,
    ReceivedTimestampNanos UInt64,
    ResourceSchemaUrl String,
    ResourceAttributesKeys Array(String),
    ResourceAttributesValues Array(String),
    ScopeName String,
    ScopeVersion String,
    ScopeSchemaUrl String,
    ScopeAttributesKeys Array(String),
    ScopeAttributesValues Array(String),
    MetricName String,
    MetricDescription String,
    MetricUnit String,
    AttributesKeys Array(String),
    AttributesValues Array(String),
    StartTimeUnix DateTime,
    StartTimeUnixNanos UInt64,
    TimeUnix DateTime,
    TimeUnixNanos UInt64,
    Flags UInt32,
    Count UInt64,
    Sum Float64,
    Scale Int32,
    ZeroCount UInt64,
    PositiveOffset Int32,
    PositiveBucketCounts Array(UInt64),
    NegativeOffset Int32,
    NegativeBucketCounts Array(UInt64),
    Min Float64,
    Max Float64,
    AggregationTemporality Int32
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(TimeUnix)
ORDER BY (Product, ServiceName, MetricName, TimeUnix, EventId)
;
CREATE TABLE IF NOT EXISTS {database}.otel_metrics_summary
(
    EventId FixedString(16),
    Product String,
    ServiceName String,
    ReceivedTimestampNanos UInt64,
    ResourceSchemaUrl String,
    ResourceAttributesKeys Array(String),
    ResourceAttributesValues Array(String),
    ScopeName String,
    ScopeVersion String,
    ScopeSchemaUrl String,
    ScopeAttributesKeys Array(String),
    ScopeAttributesValues Array(String),
    MetricName String,
    MetricDescription String,
    MetricUnit String,
    AttributesKeys Array(String),
    AttributesValues Array(String),
    StartTimeUnix DateTime,
    StartTimeUnixNanos UInt64,
    TimeUnix DateTime,
    TimeUnixNanos UInt64,
    Flags UInt32,
    Count UInt64,
    Sum Float64,
    ValueAtQuantiles Nested
    (
        Quantile Float64,
        Value Float64
    )
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(TimeUnix)
ORDER BY (Product, ServiceName, MetricName, TimeUnix, EventId)
