/**
 * The fixed part of every generated client: the transport interface and the helpers the generated operations
 * call. It is emitted as text (one file, `transport.ts`), so it lives here as a string; the codegen tests
 * compile it with `tsc --strict` in every generated client.
 */
export const TRANSPORT_SOURCE = String.raw`/** Bytes and string headers: what every broker can carry. */
export interface WireMessage {
  address: string;
  payload: Uint8Array;
  headers: Record<string, string>;
  /** The partition key, for brokers that have one (Kafka's message key); the other adapters leave it out. */
  key?: string;
}

export interface Subscription {
  unsubscribe(): Promise<void>;
}

export interface SubscribeOptions {
  /** A reply inbox: only this client reads it, whatever other clients of the same service subscribe to. */
  inbox?: boolean;
}

/**
 * What generated operations need from a broker. An address template may hold {parameters}: an adapter
 * subscribes with its broker's wildcards, and the generated code matches addresses exactly, dropping the
 * messages of other addresses a wildcard lets through.
 */
export interface Transport {
  publish(message: WireMessage): Promise<void>;
  subscribe(addressTemplate: string, onMessage: (message: WireMessage) => void, options?: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}

/** Header names the generated code uses when the document does not say where a value goes. */
export const RESERVED_HEADERS = {
  correlationId: 'eventscope-correlation-id',
  replyTo: 'eventscope-reply-to',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/** W3C Trace Context of the caller's current span. */
export interface TraceContext {
  traceId: string;
  spanId: string;
  sampled?: boolean;
  tracestate?: string;
}

export interface InvalidMessage {
  address: string;
  operation: string;
  errors: string[];
  raw: WireMessage;
}

export class MessageValidationError extends Error {
  constructor(readonly operation: string, readonly errors: string[]) {
    super(operation + ': invalid message: ' + errors.join('; '));
    this.name = 'MessageValidationError';
  }
}

export class RequestTimeoutError extends Error {
  constructor(readonly operation: string, readonly correlationId: string, readonly timeoutMs: number) {
    super(operation + ': no reply to ' + correlationId + ' within ' + String(timeoutMs) + ' ms');
    this.name = 'RequestTimeoutError';
  }
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

export function traceparentOf(context: TraceContext): string {
  if (!TRACE_ID.test(context.traceId) || /^0+$/.test(context.traceId)) throw new Error('traceId must be 32 lowercase hex digits, not all zero');
  if (!SPAN_ID.test(context.spanId) || /^0+$/.test(context.spanId)) throw new Error('spanId must be 16 lowercase hex digits, not all zero');
  return '00-' + context.traceId + '-' + context.spanId + '-' + (context.sampled === false ? '00' : '01');
}

export function newCorrelationId(): string {
  return globalThis.crypto.randomUUID();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
}

/** Fills {parameters} of an address template. */
export function fillAddress(template: string, params: Record<string, string | number | boolean>): string {
  return template.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error('address ' + template + ' needs parameter "' + name + '"');
    return String(value);
  });
}

/** The parameters of a concrete address, or undefined when it does not fit the template. */
export function matchAddress(template: string, address: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const param = /^\{([^}]+)\}$/.exec(part);
      if (!param) return escapeRegExp(part);
      names.push(param[1] as string);
      return '(.+?)';
    })
    .join('');
  const match = new RegExp('^' + pattern + '$').exec(address);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  names.forEach((name, index) => {
    params[name] = match[index + 1] as string;
  });
  return params;
}

/**
 * An address template in a broker's wildcard syntax: each level that holds a {parameter} (whole or with text
 * around it) becomes the single-level wildcard, so the broker delivers no more than the template's shape and
 * the exact match (which drops the rest) happens in the generated code.
 */
export function wildcardOf(template: string, separator: string, single: string): string {
  return template
    .split(separator)
    .map((level) => (level.includes('{') ? single : level))
    .join(separator);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function decodeJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; error: string } {
  const text = decoder.decode(bytes);
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: 'payload is not JSON: ' + (error as Error).message };
  }
}

/** Header values travel as strings: strings as they are, anything else as JSON. */
export function encodeHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) out[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return out;
}

/** Back from strings: the keys the headers schema types as non-strings are parsed as JSON. */
export function decodeHeaders(headers: Record<string, string>, jsonKeys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (!jsonKeys.includes(key)) {
      out[key] = value;
      continue;
    }
    try {
      out[key] = JSON.parse(value) as unknown;
    } catch {
      out[key] = value;
    }
  }
  return out;
}

/** Where the document says a value lives: a header, or a JSON pointer into the payload. */
export interface Location {
  source: 'header' | 'payload';
  pointer: string[];
}

export function readAt(location: Location, headers: Record<string, unknown>, payload: unknown): unknown {
  let node: unknown = location.source === 'header' ? headers : payload;
  for (const key of location.pointer) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Writes into a copy, creating objects on the way, so the caller's payload is never mutated. */
export function writeAt<T>(location: Location, headers: Record<string, unknown>, payload: T, value: string): { headers: Record<string, unknown>; payload: T } {
  if (location.pointer.length === 0) return { headers, payload };
  const setIn = (target: unknown, path: string[]): Record<string, unknown> => {
    const copy: Record<string, unknown> = typeof target === 'object' && target !== null ? { ...(target as Record<string, unknown>) } : {};
    const [head, ...rest] = path as [string, ...string[]];
    copy[head] = rest.length === 0 ? value : setIn(copy[head], rest);
    return copy;
  };
  return location.source === 'header'
    ? { headers: setIn(headers, location.pointer), payload }
    : { headers, payload: setIn(payload, location.pointer) as T };
}

/** Headers the schema does not declare and the generated code added are not part of the validated headers. */
export function applicationHeaders(headers: Record<string, unknown>, declared: readonly string[] | undefined): Record<string, unknown> {
  const reserved: string[] = Object.values(RESERVED_HEADERS);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (!reserved.includes(key) || (declared?.includes(key) ?? false)) out[key] = value;
  }
  return out;
}
`;
