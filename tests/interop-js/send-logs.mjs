// Sends log records to a Sluice receiver with the OpenTelemetry JS SDK, as a foreign client would.
// Usage: node send-logs.mjs --endpoint http://127.0.0.1:4318 --key KEY --protocol json|proto --count 100 --run RUN_ID
// Exits 0 when every export succeeded, 1 otherwise (the failure is printed).
import { LoggerProvider, BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, v, i, all) => (i % 2 === 0 ? [...pairs, [v.replace(/^--/, ''), all[i + 1]]] : pairs), []));
const count = Number(args.count ?? 10);
const options = { url: `${args.endpoint}/v1/logs`, headers: { Authorization: `Bearer ${args.key}` } };
const inner = args.protocol === 'proto' ? new ProtoExporter(options) : new JsonExporter(options);

const failures = [];
let exported = 0;
const exporter = {
  export(records, done) {
    inner.export(records, (result) => {
      if (result.code === 0) exported += records.length;
      else failures.push(String(result.error ?? `code ${result.code}`));
      done(result);
    });
  },
  shutdown: () => inner.shutdown(),
  forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
};

const provider = new LoggerProvider({
  resource: resourceFromAttributes({ 'service.name': 'interop-js', 'service.version': '1.2.3', 'sluice.run': args.run }),
  processors: [new BatchLogRecordProcessor({ exporter, maxExportBatchSize: 200, scheduledDelayMillis: 100 })],
});
const logger = provider.getLogger('interop-js-scope', '0.1.0');
for (let i = 0; i < count; i++) {
  logger.emit({
    eventName: 'interop.js.event',
    severityNumber: 9,
    severityText: 'INFO',
    body: `js event ${i} ünïcødé`,
    attributes: { 'run.id': args.run, index: i, ratio: i / 2, ok: i % 2 === 0, tags: ['a', 'b'] },
  });
}
await provider.forceFlush();
await provider.shutdown();
if (failures.length > 0 || exported !== count) {
  console.error(`exported ${exported} of ${count}; failures: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(`exported ${exported}`);
