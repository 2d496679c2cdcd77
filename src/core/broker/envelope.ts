import { isUtf8 } from 'node:buffer';
import type { BodyJson } from '../trace/journal';

/**
 * How headers travel over MQTT 3.1.1, which has none: a message whose body is a JSON object with exactly
 * the two keys `headers` (an object) and `payload` is an envelope; any other body is the payload itself,
 * with no headers. The broker delivers bodies unchanged, so a consumer reads the same envelope the
 * producer wrote. A message published over HTTP (headers as HTTP headers) reaches MQTT consumers as an
 * envelope when it has headers, and as its bare payload when it has none.
 */
export interface DecodedBody {
  headers: Record<string, unknown>;
  payload: unknown;
  /** False when the body is not JSON; `payload` is then its UTF-8 text. */
  json: boolean;
  envelope: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function isEnvelope(value: unknown): value is { headers: Record<string, unknown>; payload: unknown } {
  if (!isObject(value) || !isObject(value.headers) || !('payload' in value)) return false;
  return Object.keys(value).length === 2;
}

export function decodeBody(body: Buffer): DecodedBody {
  return decodeText(body.toString('utf8'));
}

export function decodeText(text: string): DecodedBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { headers: {}, payload: text, json: false, envelope: false };
  }
  if (isEnvelope(value)) return { headers: value.headers, payload: value.payload, json: true, envelope: true };
  return { headers: {}, payload: value, json: true, envelope: false };
}

const NEWLINE = 0x0a;
const isJsonSpace = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0d;

/**
 * The body's own bytes as the JSON of the decoded `headers` (when there are any) and `payload`, so the
 * journal need not serialize them again; undefined when they cannot serve.
 */
export function bodyJson(body: Buffer, decoded: DecodedBody): BodyJson | undefined {
  // A journal line must stay one line (JSON holds a raw newline only as whitespace between tokens), and
  // be UTF-8 as the decoded text is.
  if (!decoded.json || body.includes(NEWLINE) || !isUtf8(body)) return undefined;
  if (!decoded.envelope) return { bytes: body, payloadOnly: true };
  if (Object.keys(decoded.headers).length === 0) return undefined;
  let start = 0;
  let end = body.length;
  while (isJsonSpace(body[start])) start++;
  while (isJsonSpace(body[end - 1])) end--;
  return { bytes: body.subarray(start, end), payloadOnly: false };
}

/** The body an MQTT consumer receives for these headers and payload. */
export function encodeBody(headers: Record<string, unknown>, payload: unknown, payloadIsText = false): Buffer {
  if (Object.keys(headers).length > 0) return Buffer.from(JSON.stringify({ headers, payload }), 'utf8');
  return Buffer.from(payloadIsText && typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8');
}
