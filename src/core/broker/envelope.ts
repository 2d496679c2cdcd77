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

/**
 * JSON text of an object whose members are the decoded `headers` (when there are any) and `payload`, cut
 * from the body's own text so the journal need not serialize them again; undefined when it cannot be.
 */
export function bodyMembersJson(text: string, decoded: DecodedBody): string | undefined {
  // A journal line must stay one line; JSON holds a raw newline only as whitespace between tokens.
  if (!decoded.json || text.includes('\n')) return undefined;
  if (!decoded.envelope) return `{"payload":${text}}`;
  return Object.keys(decoded.headers).length > 0 ? text.trim() : undefined;
}

/** The body an MQTT consumer receives for these headers and payload. */
export function encodeBody(headers: Record<string, unknown>, payload: unknown, payloadIsText = false): Buffer {
  if (Object.keys(headers).length > 0) return Buffer.from(JSON.stringify({ headers, payload }), 'utf8');
  return Buffer.from(payloadIsText && typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8');
}
