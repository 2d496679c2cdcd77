/** One event that reached the broker, as the trace views, the JSONL journal and the exports see it. */
export interface TraceRecord {
  id: string;
  /** Milliseconds since the epoch, when the broker accepted (or refused) the event. */
  time: number;
  topic: string;
  /** The channel's address template, when the topic matched one. */
  channel?: string;
  params?: Record<string, string>;
  message?: string;
  /** The document that declares the matched message, for linking errors to the schema. */
  document?: string;
  producer: string;
  /** `tap`: observed on a real broker by `trace attach`. */
  origin: 'mqtt' | 'http' | 'replay' | 'redrive' | 'dlq' | 'tap';
  replayOf?: string;
  qos: number;
  size: number;
  headers?: Record<string, unknown>;
  /** The parsed JSON payload, or the text when it is not JSON; absent for refused oversized bodies. */
  payload?: unknown;
  /** The body was not JSON, so `payload` holds its text. */
  payloadIsText?: boolean;
  validation: ValidationResult;
  /**
   * `delivered`, `rejected` (policy), `dead-lettered` (policy), `refused` (size limit); for a tap, `observed`,
   * and `gap` for the span a lost connection left unobserved (`gap` holds it).
   */
  disposition: 'delivered' | 'rejected' | 'dead-lettered' | 'refused' | 'observed' | 'gap';
  gap?: TraceGap;
  correlation: CorrelationKeys;
  /** The id of the first record that carried the same message ID. */
  duplicateOf?: string;
  /** The event this one was published in response to (same producer had just received it). */
  causedBy?: string;
  deliveries: Delivery[];
}

/** Time a tap could not see its broker: messages published then are missing from the trace. */
export interface TraceGap {
  from: number;
  to: number;
  reason: string;
  /** Connection attempts it took to get back. */
  attempts: number;
}

export interface Delivery {
  consumer: string;
  time: number;
  qos: number;
  /** `sent` on write, `acked` when a QoS 1 consumer acknowledged, `dead-lettered` after too many attempts. */
  outcome: 'sent' | 'acked' | 'dead-lettered';
  attempt?: number;
}

export interface ValidationError {
  part: 'payload' | 'headers' | 'parameters' | 'channel' | 'message' | 'size';
  /** JSON pointer into the event. */
  instancePath: string;
  message: string;
  /** Path in the resolved document of the schema keyword that failed. */
  schemaPath?: string[];
}

export interface ValidationResult {
  valid: boolean;
  /** False when the contract could not be checked (no channel, or a non-JSON-Schema payload). */
  checked: boolean;
  errors: ValidationError[];
}

export interface CorrelationKeys {
  /** Value at the document's `correlationId` location. */
  correlationId?: string;
  /** W3C trace context. */
  traceId?: string;
  parentSpanId?: string;
  /** CloudEvents attributes, from `ce-*` headers or a structured-mode payload. */
  cloudEvents?: { id?: string; source?: string; type?: string };
  /** The application's message ID, used for duplicate detection. */
  messageId?: string;
}

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}$/;

/**
 * Reads the runtime expression of an AsyncAPI `correlationId.location`, such as
 * `$message.header#/correlationId` or `$message.payload#/order/id`.
 */
export function readLocation(location: string, headers: Record<string, unknown>, payload: unknown): unknown {
  const parsed = parseLocation(location);
  if (!parsed) return undefined;
  let value: unknown = parsed.part === 'header' ? headers : payload;
  for (const key of parsed.keys) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Parsed locations by their text: the broker reads the same few for every event. */
const locations = new Map<string, { part: string; keys: string[] } | null>();

function parseLocation(location: string): { part: string; keys: string[] } | null {
  let parsed = locations.get(location);
  if (parsed !== undefined) return parsed;
  const match = /^\$message\.(header|payload)(?:#(.*))?$/.exec(location.trim());
  const pointer = match?.[2] ?? '';
  parsed = match ? { part: match[1] ?? '', keys: pointer === '' || pointer === '/' ? [] : pointer.slice(1).split('/').map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~')) } : null;
  if (locations.size >= 1000) locations.clear();
  locations.set(location, parsed);
  return parsed;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;

/** Headers that carry an application message ID, first match wins; CloudEvents `id` comes after them. */
const MESSAGE_ID_HEADERS = ['x-eventscope-id', 'messageId', 'message-id', 'x-message-id'];

export function correlationKeys(headers: Record<string, unknown>, payload: unknown, correlationLocation?: string): CorrelationKeys {
  const keys: CorrelationKeys = {};
  if (correlationLocation) {
    const value = text(readLocation(correlationLocation, headers, payload));
    if (value) keys.correlationId = value;
  }
  const traceparent = text(headers.traceparent);
  const trace = traceparent ? TRACEPARENT.exec(traceparent) : null;
  if (trace) {
    keys.traceId = trace[1];
    keys.parentSpanId = trace[2];
  }
  const structured = typeof payload === 'object' && payload !== null && 'specversion' in payload ? (payload as Record<string, unknown>) : undefined;
  const ceId = text(headers['ce-id'] ?? headers.ce_id) ?? text(structured?.id);
  const ceSource = text(headers['ce-source'] ?? headers.ce_source) ?? text(structured?.source);
  const ceType = text(headers['ce-type'] ?? headers.ce_type) ?? text(structured?.type);
  if (ceId ?? ceSource ?? ceType) keys.cloudEvents = { id: ceId, source: ceSource, type: ceType };
  // HTTP lower-cases header names, MQTT envelopes keep them as written.
  for (const name of MESSAGE_ID_HEADERS) {
    const value = text(headers[name] ?? headers[name.toLowerCase()]);
    if (value) {
      keys.messageId = value;
      break;
    }
  }
  if (!keys.messageId && ceId) keys.messageId = ceSource ? `${ceSource}#${ceId}` : ceId;
  return keys;
}

/** A record's fields other than the headers and payload its body holds. */
export type RecordFields = Omit<TraceRecord, 'headers' | 'payload'>;

/**
 * A record that keeps its JSON body as the producer's bytes and parses headers and payload on first read.
 * The ring then holds one buffer per event, outside the JS heap, instead of a string or the objects of
 * its payload, which the garbage collector would copy while young and walk until the event leaves the
 * ring. The accessors live on the prototype, so a record costs no closures; `toJSON` puts them back into
 * serialized records.
 */
export class BodyBackedRecord implements TraceRecord {
  id: string;
  time: number;
  topic: string;
  channel?: string;
  params?: Record<string, string>;
  message?: string;
  document?: string;
  producer: string;
  origin: TraceRecord['origin'];
  replayOf?: string;
  qos: number;
  size: number;
  payloadIsText?: boolean;
  validation: ValidationResult;
  disposition: TraceRecord['disposition'];
  gap?: TraceGap;
  correlation: CorrelationKeys;
  duplicateOf?: string;
  causedBy?: string;
  deliveries: Delivery[];
  #body: Buffer | undefined;
  #envelope: boolean;
  #headers: Record<string, unknown> | undefined;
  #payload: unknown;

  /** `body` is JSON: an envelope of headers and payload when `envelope`, else the payload alone. */
  constructor(fields: RecordFields, body: Buffer, envelope: boolean) {
    this.id = fields.id;
    this.time = fields.time;
    this.topic = fields.topic;
    this.channel = fields.channel;
    this.params = fields.params;
    this.message = fields.message;
    this.document = fields.document;
    this.producer = fields.producer;
    this.origin = fields.origin;
    this.replayOf = fields.replayOf;
    this.qos = fields.qos;
    this.size = fields.size;
    this.payloadIsText = fields.payloadIsText;
    this.validation = fields.validation;
    this.disposition = fields.disposition;
    this.gap = fields.gap;
    this.correlation = fields.correlation;
    this.duplicateOf = fields.duplicateOf;
    this.causedBy = fields.causedBy;
    this.deliveries = fields.deliveries;
    this.#body = body;
    this.#envelope = envelope;
  }

  get headers(): Record<string, unknown> | undefined {
    if (this.#body && this.#envelope) this.#decode(this.#body);
    return this.#headers;
  }

  set headers(value: Record<string, unknown> | undefined) {
    if (this.#body) this.#decode(this.#body);
    this.#headers = value;
  }

  get payload(): unknown {
    if (this.#body) this.#decode(this.#body);
    return this.#payload;
  }

  set payload(value: unknown) {
    if (this.#body) this.#decode(this.#body);
    this.#payload = value;
  }

  toJSON(): TraceRecord {
    return { ...this, headers: this.headers, payload: this.payload };
  }

  #decode(body: Buffer): void {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    this.#body = undefined;
    if (!this.#envelope) {
      this.#payload = value;
      return;
    }
    const envelope = value as { headers: Record<string, unknown>; payload: unknown };
    this.#payload = envelope.payload;
    this.#headers = Object.keys(envelope.headers).length > 0 ? envelope.headers : undefined;
  }
}
