-- requires: map
-- Map-typed ALIAS columns named as the OpenTelemetry Collector's ClickHouse exporter names its
-- attribute maps, so Grafana's ClickHouse plugin works in its OpenTelemetry mode over these
-- tables. An ALIAS is computed when read: no second copy of the data is stored. Only servers
-- with Map and mapFromArrays (21.x and later) get this migration; 18.16 skips it unrecorded and
-- gets it after an upgrade. Newer servers have ADD COLUMN IF NOT EXISTS, so each statement re-runs safely.
ALTER TABLE {database}.otel_logs
    ADD COLUMN IF NOT EXISTS ResourceAttributes Map(String, String) ALIAS mapFromArrays(ResourceAttributesKeys, ResourceAttributesValues),
    ADD COLUMN IF NOT EXISTS ScopeAttributes Map(String, String) ALIAS mapFromArrays(ScopeAttributesKeys, ScopeAttributesValues),
    ADD COLUMN IF NOT EXISTS LogAttributes Map(String, String) ALIAS mapFromArrays(LogAttributesKeys, LogAttributesValues)
;
ALTER TABLE {database}.otel_traces
    ADD COLUMN IF NOT EXISTS ResourceAttributes Map(String, String) ALIAS mapFromArrays(ResourceAttributesKeys, ResourceAttributesValues),
    ADD COLUMN IF NOT EXISTS ScopeAttributes Map(String, String) ALIAS mapFromArrays(ScopeAttributesKeys, ScopeAttributesValues),
    ADD COLUMN IF NOT EXISTS SpanAttributes Map(String, String) ALIAS mapFromArrays(SpanAttributesKeys, SpanAttributesValues)
;
ALTER TABLE {database}.otel_metrics_gauge
    ADD COLUMN IF NOT EXISTS ResourceAttributes Map(String, String) ALIAS mapFromArrays(ResourceAttributesKeys, ResourceAttributesValues),
    ADD COLUMN IF NOT EXISTS ScopeAttributes Map(String, String) ALIAS mapFromArrays(ScopeAttributesKeys, ScopeAttributesValues),
    ADD COLUMN IF NOT EXISTS Attributes Map(String, String) ALIAS mapFromArrays(AttributesKeys, AttributesValues)
;
ALTER TABLE {database}.otel_metrics_sum
    ADD COLUMN IF NOT EXISTS ResourceAttributes Map(String, String) ALIAS mapFromArrays(ResourceAttributesKeys, ResourceAttributesValues),
    ADD COLUMN IF NOT EXISTS ScopeAttributes Map(String, String) ALIAS mapFromArrays(ScopeAttributesKeys, ScopeAttributesValues),
    ADD COLUMN IF NOT EXISTS Attributes Map(String, String) ALIAS mapFromArrays(AttributesKeys, AttributesValues)
;
ALTER TABLE {database}.otel_metrics_histogram
    ADD COLUMN IF NOT EXISTS ResourceAttributes Map(String, String) ALIAS mapFromArrays(ResourceAttributesKeys, ResourceAttributesValues),
    ADD COLUMN IF NOT EXISTS ScopeAttributes Map(String, String) ALIAS mapFromArrays(ScopeAttributesKeys, ScopeAttributesValues),
    ADD COLUMN IF NOT EXISTS Attributes Map(String, String) ALIAS mapFromArrays(AttributesKeys, AttributesValues)
;
ALTER TABLE {database}.otel_metrics_exponential_histogram
    ADD COLUMN IF NOT EXISTS ResourceAttributes Map(String, String) ALIAS mapFromArrays(ResourceAttributesKeys, ResourceAttributesValues),
    ADD COLUMN IF NOT EXISTS ScopeAttributes Map(String, String) ALIAS mapFromArrays(ScopeAttributesKeys, ScopeAttributesValues),
    ADD COLUMN IF NOT EXISTS Attributes Map(String, String) ALIAS mapFromArrays(AttributesKeys, AttributesValues)
;
ALTER TABLE {database}.otel_metrics_summary
    ADD COLUMN IF NOT EXISTS ResourceAttributes Map(String, String) ALIAS mapFromArrays(ResourceAttributesKeys, ResourceAttributesValues),
    ADD COLUMN IF NOT EXISTS ScopeAttributes Map(String, String) ALIAS mapFromArrays(ScopeAttributesKeys, ScopeAttributesValues),
    ADD COLUMN IF NOT EXISTS Attributes Map(String, String) ALIAS mapFromArrays(AttributesKeys, AttributesValues)
