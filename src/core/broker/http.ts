import type { IncomingMessage as HttpRequest, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../logger';
import type { EventBroker } from './types';

export interface HttpPublishOptions {
  maxBytes: number;
  username?: string;
  password?: string;
  /** Declared header names of the channel a topic matches, by lower case. */
  headerNames: (topic: string) => ReadonlyMap<string, string> | undefined;
  log: Logger;
}

/** HTTP's own headers; every other request header is an application header of the event. */
const TRANSPORT_HEADERS = new Set([
  'host', 'connection', 'keep-alive', 'content-type', 'content-length', 'content-encoding', 'transfer-encoding', 'te', 'trailer',
  'upgrade', 'expect', 'accept', 'accept-encoding', 'accept-language', 'user-agent', 'authorization', 'proxy-authorization',
  'cookie', 'origin', 'referer', 'cache-control', 'pragma', 'sec-fetch-mode', 'sec-fetch-site', 'sec-fetch-dest',
]);

const PREFIX = '/publish/';

function send(response: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...extra });
  response.end(`${JSON.stringify(body)}\n`);
}

/**
 * `POST /publish/<address>` with a JSON body; HTTP headers become the event's headers. Answers 202 when
 * the broker took the event, 422 with the validation errors when the `reject` policy refused it, 413
 * over the size limit.
 */
export async function handleHttp(broker: EventBroker, request: HttpRequest, response: ServerResponse, options: HttpPublishOptions): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (!url.pathname.startsWith(PREFIX)) return send(response, 404, { error: `POST ${PREFIX}<address> publishes an event` });
  if (request.method !== 'POST') return send(response, 405, { error: 'only POST' }, { allow: 'POST' });
  if ((options.username !== undefined || options.password !== undefined) && !authorized(request.headers.authorization, options)) {
    return send(response, 401, { error: 'bad username or password' }, { 'www-authenticate': 'Basic realm="eventscope"' });
  }
  let topic: string;
  try {
    topic = decodeURIComponent(url.pathname.slice(PREFIX.length));
  } catch {
    return send(response, 400, { error: 'the address is not valid percent-encoding' });
  }
  if (topic === '' || /[+#\0]/.test(topic)) return send(response, 400, { error: 'an address names one topic: no empty address, no + or # wildcards' });

  const { body, size } = await readBody(request, options.maxBytes);
  const declared = options.headerNames(topic);
  const headers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (TRANSPORT_HEADERS.has(name) || value === undefined) continue;
    headers[declared?.get(name) ?? name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const producer = typeof headers['x-eventscope-client'] === 'string' ? headers['x-eventscope-client'] : `http:${request.socket.remoteAddress ?? 'unknown'}`;
  const qos = request.headers['x-eventscope-qos'] === '0' ? 0 : 1;
  const outcome = await broker.publish({ topic, body, size, headers, qos, producer, origin: 'http' });
  const { record } = outcome;
  const summary = {
    id: record.id,
    topic: outcome.topic ?? topic,
    channel: record.channel,
    message: record.message,
    valid: record.validation.valid,
    disposition: record.disposition,
    duplicateOf: record.duplicateOf,
    errors: record.validation.errors,
  };
  if (record.disposition === 'refused') {
    return send(response, 413, { ...summary, error: record.validation.errors[0]?.message }, { connection: 'close' });
  }
  if (record.disposition === 'rejected') return send(response, 422, summary);
  send(response, 202, summary);
}

/** The body, or an empty one with its size once it passes `limit` (the rest is drained, not kept). */
function readBody(request: HttpRequest, limit: number): Promise<{ body: Buffer; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      if (!over) chunks.push(chunk);
    });
    request.on('end', () => resolve({ body: over ? Buffer.alloc(0) : Buffer.concat(chunks), size }));
    request.on('error', reject);
  });
}

function authorized(header: string | undefined, options: HttpPublishOptions): boolean {
  const match = /^Basic (.+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const actual = Buffer.from(match[1], 'base64');
  const expected = Buffer.from(`${options.username ?? ''}:${options.password ?? ''}`);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
