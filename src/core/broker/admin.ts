import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger';
import { chainOf } from '../trace/chain';
import type { TraceRecord } from '../trace/record';
import type { TraceStore } from '../trace/store';
import type { BrokerStatsInfo, DeadLetterInfo, PublishSummary, ReplayRequest, ReplayResult } from './adminTypes';
import { ChannelStats } from './channelStats';
import { checkScenario } from '../scenario/check';
import { parseScenario } from '../scenario/scenario';
import { testEventFor } from './testEvent';
import type { EventBroker, LoadedDocument, PublishOutcome } from './types';

export interface AdminServerOptions {
  broker: EventBroker;
  trace: TraceStore;
  /** Bearer token every request must carry; the extension passes a random one per broker session. */
  token: string;
  documents: () => readonly LoadedDocument[];
  /** 0 picks a free port. The admin API always binds to loopback, whatever the broker's host. */
  port?: number;
  logger?: Logger;
}

export interface AdminServer {
  port: number;
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The extension's control channel into a broker process: dead letters, redrive, delete, replay and
 * channel/client stats, as JSON over HTTP on its own loopback port. Separate from the publish port so
 * that opening the broker to the network (`--host 0.0.0.0`) never exposes it.
 */
export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  if (options.token.length < 16) throw new Error('the admin token must have at least 16 characters');
  const expected = Buffer.from(`Bearer ${options.token}`);
  const stats = new ChannelStats(options.trace, options.documents);
  const server = createServer((request, response) => {
    const actual = Buffer.from(request.headers.authorization ?? '');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      send(response, 401, { error: 'missing or wrong admin token' });
      request.resume();
      return;
    }
    route(request, options, stats).then(
      (body) => send(response, 200, body),
      (error: unknown) => {
        if (error instanceof HttpError) return send(response, error.status, { error: error.message });
        options.logger?.error('admin request failed', error);
        send(response, 500, { error: (error as Error).message });
      },
    );
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  return {
    port,
    close: () => {
      stats.dispose();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function route(request: IncomingMessage, options: AdminServerOptions, stats: ChannelStats): Promise<unknown> {
  const { broker } = options;
  const url = new URL(request.url ?? '/', 'http://localhost');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const method = request.method ?? 'GET';
  if (parts[0] !== 'admin') throw new HttpError(404, 'admin endpoints live under /admin/');
  const [, resource, id, action] = parts;

  if (resource === 'stats' && method === 'GET') {
    return { clients: broker.connectedClients().sort(), channels: stats.snapshot(), deadLetters: broker.deadLetters().length } satisfies BrokerStatsInfo;
  }
  if (resource === 'dlq') {
    if (id === undefined && method === 'GET') return broker.deadLetters().map(toInfo);
    if (id !== undefined && action === undefined && method === 'DELETE') {
      if (!broker.deleteDeadLetter(id)) throw new HttpError(404, `no dead letter ${id}`);
      return { deleted: id };
    }
    if (id !== undefined && action === 'redrive' && method === 'POST') {
      const outcome = await broker.redrive(id);
      if (!outcome) throw new HttpError(404, `no dead letter ${id}`);
      return summarize(outcome);
    }
  }
  if (resource === 'test-event' && method === 'GET') {
    const message = url.searchParams.get('message');
    if (!message) throw new HttpError(400, 'test-event needs ?message=<name or id>');
    const channel = url.searchParams.get('channel') ?? undefined;
    for (const document of options.documents()) {
      const event = testEventFor(document.model, { message, channel });
      if (event) return event;
    }
    throw new HttpError(404, `no channel of the broker's documents carries message ${message}${channel ? ` on ${channel}` : ''}`);
  }
  if (resource === 'check-scenario' && method === 'POST') {
    const body = await readJson(request);
    const text = typeof body === 'object' && body !== null ? (body as { text?: unknown }).text : undefined;
    if (typeof text !== 'string') throw new HttpError(400, 'check-scenario takes {"text": "..."}');
    return checkScenario(parseScenario(text), options.documents());
  }
  if (resource === 'replay' && method === 'POST') return replay(options, parseReplay(await readJson(request)));
  throw new HttpError(404, `no admin endpoint ${method} ${url.pathname}`);
}

async function replay({ broker, trace }: AdminServerOptions, request: ReplayRequest): Promise<ReplayResult> {
  const missing: string[] = [];
  const records: TraceRecord[] = [];
  for (const id of request.ids ?? []) {
    const record = trace.get(id);
    if (record) records.push(record);
    else missing.push(id);
  }
  if (request.correlation !== undefined) records.push(...chainOf(trace.records(), request.correlation).map((step) => step.record));
  const replayed = await broker.replay(records, request.topic === undefined ? {} : { topic: request.topic });
  return {
    replayed: replayed.map((record) => summarize({ record, delivered: record.disposition === 'delivered', topic: record.topic })),
    missing,
  };
}

function parseReplay(value: unknown): ReplayRequest {
  if (typeof value !== 'object' || value === null) throw new HttpError(400, 'replay takes a JSON object');
  const { ids, correlation, topic } = value as Record<string, unknown>;
  if (ids !== undefined && !(Array.isArray(ids) && ids.every((item) => typeof item === 'string'))) throw new HttpError(400, '"ids" must be an array of strings');
  if (correlation !== undefined && typeof correlation !== 'string') throw new HttpError(400, '"correlation" must be a string');
  if (topic !== undefined && (typeof topic !== 'string' || topic === '' || /[+#\0]/.test(topic))) throw new HttpError(400, '"topic" must name one topic');
  if (ids === undefined && correlation === undefined) throw new HttpError(400, 'replay needs "ids" or "correlation"');
  return { ids: ids, correlation, topic };
}

function toInfo(letter: ReturnType<EventBroker['deadLetters']>[number]): DeadLetterInfo {
  return { id: letter.id, topic: letter.topic, reason: letter.reason, time: letter.time, recordId: letter.recordId, size: letter.body.length, body: letter.body.toString('utf8') };
}

function summarize(outcome: PublishOutcome): PublishSummary {
  const { record } = outcome;
  return {
    id: record.id,
    topic: outcome.topic,
    channel: record.channel,
    message: record.message,
    valid: record.validation.valid,
    disposition: record.disposition,
    delivered: outcome.delivered,
    replayOf: record.replayOf,
  };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) throw new HttpError(413, 'request too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(`${JSON.stringify(body)}\n`);
}
