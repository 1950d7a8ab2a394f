-- The event data model on otel_logs: Part A (the envelope) and Part B (the typed event data)
-- as typed columns; Part C stays in LogAttributesKeys/Values. Every new column is a DEFAULT
-- computed from the attribute arrays, so:
--   * the writer need not send them: ClickHouse fills them on insert from the same row, and
--     they can never disagree with the attributes they come from;
--   * rows stored before this migration read with the same values (a DEFAULT is computed on
--     read for parts written before the column existed): upgrading keeps and types old data.
-- The attributes stay in the arrays as well, so nothing an analyst reads there goes away.
-- One ALTER adding every column: ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS, and a single
-- ALTER is applied whole or not at all, so a run cut off before it is recorded can only have
-- left all of the columns or none (the rollups are in 0003, whose statements re-run safely).
ALTER TABLE {database}.otel_logs
    -- common-schema version the client sent: 2, 1 (normalized to 2) or 0 (a plain OpenTelemetry client)
    ADD COLUMN SchemaVersion UInt8 DEFAULT toUInt8OrZero(LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.schema.version')]),
    -- product version (resource service.version)
    ADD COLUMN ServiceVersion String DEFAULT ResourceAttributesValues[indexOf(ResourceAttributesKeys, 'service.version')],
    -- release channel (resource sluice.release_channel)
    ADD COLUMN ReleaseChannel String DEFAULT ResourceAttributesValues[indexOf(ResourceAttributesKeys, 'sluice.release_channel')],
    -- installation id (device.id; a record's own wins over its resource's)
    ADD COLUMN DeviceId String DEFAULT if(has(LogAttributesKeys, 'device.id'), LogAttributesValues[indexOf(LogAttributesKeys, 'device.id')], ResourceAttributesValues[indexOf(ResourceAttributesKeys, 'device.id')]),
    -- OS family: windows, linux, darwin, ...
    ADD COLUMN OsType String DEFAULT ResourceAttributesValues[indexOf(ResourceAttributesKeys, 'os.type')],
    -- OS description
    ADD COLUMN OsName String DEFAULT ResourceAttributesValues[indexOf(ResourceAttributesKeys, 'os.name')],
    -- OS version
    ADD COLUMN OsVersion String DEFAULT ResourceAttributesValues[indexOf(ResourceAttributesKeys, 'os.version')],
    -- processor architecture
    ADD COLUMN HostArch String DEFAULT ResourceAttributesValues[indexOf(ResourceAttributesKeys, 'host.arch')],
    -- SDK that produced the event
    ADD COLUMN SdkName String DEFAULT ResourceAttributesValues[indexOf(ResourceAttributesKeys, 'sluice.sdk.name')],
    -- its version
    ADD COLUMN SdkVersion String DEFAULT ResourceAttributesValues[indexOf(ResourceAttributesKeys, 'sluice.sdk.version')],
    -- user's locale, BCP-47
    ADD COLUMN Locale String DEFAULT ResourceAttributesValues[indexOf(ResourceAttributesKeys, 'sluice.locale')],
    -- user id (an HMAC for external users)
    ADD COLUMN UserId String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'user.id')],
    -- external, internal or test
    ADD COLUMN UserKind String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.user.kind')],
    -- session id
    ADD COLUMN SessionId String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'session.id')],
    -- position in the session, from 1
    ADD COLUMN SessionSeq UInt64 DEFAULT toUInt64OrZero(LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.session.seq')]),
    -- per-installation session counter
    ADD COLUMN SessionEpoch UInt64 DEFAULT toUInt64OrZero(LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.session.epoch')]),
    -- local UTC offset at the event, minutes
    ADD COLUMN TzOffsetMinutes Int16 DEFAULT toInt16OrZero(LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.tz_offset_minutes')]),
    -- rate the event was kept at; weight counts by 1 / SampleRate
    ADD COLUMN SampleRate Float64 DEFAULT if(toFloat64OrZero(LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.sample_rate')]) > 0 AND toFloat64OrZero(LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.sample_rate')]) <= 1, toFloat64OrZero(LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.sample_rate')]), 1),
    -- receive time minus (skew-corrected) event time
    ADD COLUMN IngestionDelayNanos UInt64 DEFAULT if(ReceivedTimestampNanos > TimestampNanos, ReceivedTimestampNanos - TimestampNanos, 0),
    -- client send time minus receive time: the client's clock error plus transit
    ADD COLUMN ClockSkewNanos Int64 DEFAULT if(ClientSentNanos = 0, 0, toInt64(ClientSentNanos) - toInt64(ReceivedTimestampNanos)),
    -- Part B kind: page_view, user_action, error, measurement, feature_usage, sdk_health or empty
    ADD COLUMN EventKind String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.event.kind')],
    -- page_view
    ADD COLUMN PageName String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.page.name')],
    -- page_view
    ADD COLUMN PageUrl String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'url.full')],
    -- page_view
    ADD COLUMN PageReferrer String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.page.referrer')],
    -- page_view
    ADD COLUMN PageLoadMs Float64 DEFAULT toFloat64OrZero(LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.page.load_ms')]),
    -- user_action
    ADD COLUMN ActionName String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.action.name')],
    -- user_action
    ADD COLUMN ActionTarget String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.action.target')],
    -- user_action
    ADD COLUMN ActionPage String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.action.page')],
    -- error
    ADD COLUMN ExceptionType String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'exception.type')],
    -- error
    ADD COLUMN ExceptionMessage String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'exception.message')],
    -- error
    ADD COLUMN ExceptionStacktrace String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'exception.stacktrace')],
    -- error: 1 when the app carried on; an error with 0 is a crash
    ADD COLUMN ErrorHandled UInt8 DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.error.handled')] = 'true',
    -- measurement
    ADD COLUMN MeasurementName String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.measurement.name')],
    -- measurement
    ADD COLUMN MeasurementValue Float64 DEFAULT toFloat64OrZero(LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.measurement.value')]),
    -- measurement
    ADD COLUMN MeasurementUnit String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.measurement.unit')],
    -- feature_usage
    ADD COLUMN FeatureName String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.feature.name')],
    -- feature_usage
    ADD COLUMN FeatureOutcome String DEFAULT LogAttributesValues[indexOf(LogAttributesKeys, 'sluice.feature.outcome')]
