import { createHash } from 'node:crypto';
import type { ChainStep } from './chain';
import type { TraceRecord } from './record';

const hex = (seed: string, length: number): string => createHash('sha256').update(seed).digest('hex').slice(0, length);
const nanos = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

type AttributeValue = { stringValue: string } | { intValue: string } | { boolValue: boolean };
interface Attribute {
  key: string;
  value: AttributeValue;
}

function attributes(values: Record<string, string | number | boolean | undefined>): Attribute[] {
  return Object.entries(values).flatMap(([key, value]): Attribute[] => {
    if (value === undefined) return [];
    if (typeof value === 'number') return [{ key, value: { intValue: String(value) } }];
    if (typeof value === 'boolean') return [{ key, value: { boolValue: value } }];
    return [{ key, value: { stringValue: value } }];
  });
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attribute[];
  links: { traceId: string; spanId: string; attributes: Attribute[] }[];
  status: { code: number; message?: string };
}

const SPAN_KIND_PRODUCER = 4;
const SPAN_KIND_CONSUMER = 5;
const STATUS_OK = 1;
const STATUS_ERROR = 2;

/** The trace an event belongs to: its W3C trace, else one per correlation ID, else its own. */
function traceIdOf(record: TraceRecord): string {
  if (record.correlation.traceId) return record.correlation.traceId;
  return hex(record.correlation.correlationId ? `correlation:${record.correlation.correlationId}` : `record:${record.id}`, 32);
}
const producerSpanId = (record: TraceRecord): string => hex(`producer:${record.id}`, 16);
const consumerSpanId = (record: TraceRecord, consumer: string): string => hex(`consumer:${record.id}:${consumer}`, 16);

/**
 * OTLP/JSON (`ExportTraceServiceRequest`) following the OpenTelemetry messaging conventions: a PRODUCER
 * `send` span per event and a CONSUMER `process` span per consumer, linked to the producer span. An event
 * caused by another is parented to the consumer span of its cause, so a chain reads as one trace.
 */
export function toOtlp(records: readonly TraceRecord[]): { resourceSpans: unknown[] } {
  const byId = new Map(records.map((record) => [record.id, record]));
  const spansByService = new Map<string, OtlpSpan[]>();
  const add = (service: string, span: OtlpSpan): void => {
    const spans = spansByService.get(service) ?? [];
    spans.push(span);
    spansByService.set(service, spans);
  };
  for (const record of records) {
    const traceId = traceIdOf(record);
    const destination = record.channel ?? record.topic;
    const cause = record.causedBy ? byId.get(record.causedBy) : undefined;
    const parentSpanId = cause ? consumerSpanId(cause, record.producer) : record.correlation.parentSpanId;
    const common = {
      'messaging.system': 'mqtt',
      'messaging.destination.name': record.topic,
      'messaging.destination.template': record.channel,
      'messaging.message.id': record.correlation.messageId ?? record.id,
      'messaging.message.conversation_id': record.correlation.correlationId,
      'messaging.message.body.size': record.size,
      'eventscope.message': record.message,
      'eventscope.valid': record.validation.valid,
      'eventscope.disposition': record.disposition,
      'eventscope.record': record.id,
      'cloudevents.event_id': record.correlation.cloudEvents?.id,
      'cloudevents.event_source': record.correlation.cloudEvents?.source,
      'cloudevents.event_type': record.correlation.cloudEvents?.type,
    };
    const producer: OtlpSpan = {
      traceId,
      spanId: producerSpanId(record),
      parentSpanId: cause && traceIdOf(cause) !== traceId ? undefined : parentSpanId,
      name: `send ${destination}`,
      kind: SPAN_KIND_PRODUCER,
      startTimeUnixNano: nanos(record.time),
      endTimeUnixNano: nanos(record.time),
      attributes: attributes({ ...common, 'messaging.operation.type': 'send', 'messaging.operation.name': 'publish', 'messaging.client.id': record.producer }),
      links: cause ? [{ traceId: traceIdOf(cause), spanId: producerSpanId(cause), attributes: attributes({ 'eventscope.link': 'caused-by' }) }] : [],
      status: record.validation.valid
        ? { code: STATUS_OK }
        : { code: STATUS_ERROR, message: record.validation.errors.map((error) => `${error.instancePath || '/'} ${error.message}`).join('; ') },
    };
    add(record.producer, producer);
    const consumers = new Map<string, { start: number; end: number }>();
    for (const delivery of record.deliveries) {
      const span = consumers.get(delivery.consumer);
      if (span) span.end = Math.max(span.end, delivery.time);
      else consumers.set(delivery.consumer, { start: delivery.time, end: delivery.time });
    }
    for (const [consumer, { start, end }] of consumers) {
      add(consumer, {
        traceId,
        spanId: consumerSpanId(record, consumer),
        parentSpanId: producer.spanId,
        name: `process ${destination}`,
        kind: SPAN_KIND_CONSUMER,
        startTimeUnixNano: nanos(start),
        endTimeUnixNano: nanos(end),
        attributes: attributes({ ...common, 'messaging.operation.type': 'process', 'messaging.operation.name': 'deliver', 'messaging.client.id': consumer }),
        links: [{ traceId, spanId: producer.spanId, attributes: [] }],
        status: { code: STATUS_OK },
      });
    }
  }
  return {
    resourceSpans: [...spansByService].map(([service, spans]) => ({
      resource: { attributes: attributes({ 'service.name': service }) },
      scopeSpans: [{ scope: { name: 'eventscope.broker', version: '1' }, spans }],
    })),
  };
}

/** Mermaid participants are identifiers; anything else becomes an alias. */
function participantId(name: string, ids: Map<string, string>): string {
  let id = ids.get(name);
  if (!id) {
    id = `p${ids.size + 1}`;
    ids.set(name, id);
  }
  return id;
}

/** Text Mermaid would read as syntax (`;`, `#`, `<`, newlines) is replaced, so a payload cannot change the diagram. */
const label = (value: string): string => value.replace(/[\r\n;#<>"`{}]/g, ' ').slice(0, 120);

const duration = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`);

/** A Mermaid sequence diagram of one correlation chain: producer → broker topic → consumers, with timings. */
export function toMermaid(chain: readonly ChainStep[]): string {
  const ids = new Map<string, string>();
  const body: string[] = [];
  for (const step of chain) {
    const { record } = step;
    const from = participantId(record.producer, ids);
    const name = record.message ?? 'unknown message';
    const timing = step.sinceCause !== undefined ? ` (+${duration(step.sinceCause)} after ${step.cause?.message ?? 'cause'})` : step.sincePrevious !== undefined ? ` (+${duration(step.sincePrevious)})` : '';
    const mark = record.validation.valid ? '' : ' ✗ invalid';
    const consumers = [...new Set(record.deliveries.map((delivery) => delivery.consumer))];
    if (consumers.length === 0) {
      body.push(`  ${from}-)${participantId('broker', ids)}: ${label(`${name} on ${record.topic}${mark}`)} ${record.disposition}`);
    }
    for (const consumer of consumers) {
      body.push(`  ${from}-)${participantId(consumer, ids)}: ${label(`${name} on ${record.topic}${mark}`)}`);
    }
    if (timing) body.push(`  Note over ${from}: ${label(timing.trim())}`);
  }
  const participants = [...ids].map(([name, id]) => `  participant ${id} as ${label(name)}`);
  return ['sequenceDiagram', ...participants, ...body].join('\n');
}
