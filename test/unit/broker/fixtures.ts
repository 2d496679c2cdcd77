import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { createAedesBroker, loadDocuments, type BrokerOptions, type EventBroker, type ListeningPorts, type LoadedDocument } from '../../../src/core/broker';
import { TraceStore, type TraceStoreOptions } from '../../../src/core/trace/store';
import { EXAMPLES, ROOT } from '../helpers';

export const SHOP_FILES = ['orders', 'payments', 'inventory', 'notifications'].map((name) => path.join(EXAMPLES, name, 'asyncapi.yaml'));
/** The orders document alone declares every `shop/...` channel; spawned brokers load just it to start faster. */
export const ORDERS_FILE = path.join(EXAMPLES, 'orders', 'asyncapi.yaml');

let shop: Promise<LoadedDocument[]> | undefined;
export function loadShop(): Promise<LoadedDocument[]> {
  shop ??= loadDocuments(SHOP_FILES);
  return shop;
}

/** A message's first example from the documents, as headers and payload. */
export function example(documents: readonly LoadedDocument[], name: string): { headers: Record<string, unknown>; payload: Record<string, unknown> } {
  for (const document of documents) {
    const found = document.model.messages.find((message) => message.name === name)?.examples[0];
    if (found) return structuredClone({ headers: found.headers as Record<string, unknown>, payload: found.payload as Record<string, unknown> });
  }
  throw new Error(`no example for ${name}`);
}

/** The MQTT 3.1.1 body for headers and payload: the envelope the broker reads headers from. */
export const envelope = (headers: Record<string, unknown>, payload: unknown): string => JSON.stringify({ headers, payload });

export interface RunningBroker {
  broker: EventBroker;
  trace: TraceStore;
  ports: ListeningPorts;
  mqttUrl: string;
  httpUrl: string;
  close(): Promise<void>;
}

export async function startBroker(options: Partial<BrokerOptions> = {}, traceOptions: TraceStoreOptions = {}): Promise<RunningBroker> {
  const trace = options.trace ?? new TraceStore(traceOptions);
  const broker = createAedesBroker({ mqttPort: 0, wsPort: 0, httpPort: 0, documents: await loadShop(), ...options, trace });
  const ports = await broker.start();
  return {
    broker,
    trace,
    ports,
    mqttUrl: `mqtt://127.0.0.1:${ports.mqtt}`,
    httpUrl: `http://127.0.0.1:${ports.http}`,
    close: async () => {
      await broker.close();
      trace.close();
    },
  };
}

let clientSequence = 0;
export function connect(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId: `test-${process.pid}-${++clientSequence}`, reconnectPeriod: 0, ...options });
}

export interface Received {
  topic: string;
  body: Record<string, unknown>;
}

/**
 * A real MQTT client in a process of its own (clientProcess.ts), with the part of mqtt.js's API the tests
 * use. Messages arrive as `message` events, as from an MqttClient; those that arrive while nobody listens
 * (a redelivery right on connect) wait for the first listener.
 */
export class ProcessClient extends EventEmitter {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private readonly unheard: [string, Buffer][] = [];
  private sequence = 0;

  private constructor(readonly options: { clientId: string }) {
    super();
    this.on('newListener', (event) => {
      if (event !== 'message') return;
      // After the listener is added: newListener fires before.
      queueMicrotask(() => {
        for (const [topic, body] of this.unheard.splice(0)) this.emit('message', topic, body);
      });
    });
    this.child = spawn(process.execPath, ['--import', TSX, path.join(__dirname, 'clientProcess.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const reply = JSON.parse(line) as { id?: number; ok?: true; error?: string; event?: 'message'; topic?: string; body?: string };
      if (reply.event === 'message') {
        const body = Buffer.from(reply.body ?? '', 'base64');
        if (this.listenerCount('message') > 0) this.emit('message', reply.topic, body);
        else this.unheard.push([reply.topic ?? '', body]);
      }
      const waiting = reply.id === undefined ? undefined : this.pending.get(reply.id);
      if (!waiting || reply.id === undefined) return;
      this.pending.delete(reply.id);
      if (reply.error === undefined) waiting.resolve();
      else waiting.reject(new Error(`${this.options.clientId}: ${reply.error}`));
    });
    this.child.on('exit', () => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(`${this.options.clientId}: the client process exited`));
      this.pending.clear();
    });
  }

  /** With `holdAcks`, the client receives but never acknowledges, from the first message its session brings. */
  static async connect(url: string, options: IClientOptions = {}, behaviour: { holdAcks?: boolean } = {}): Promise<ProcessClient> {
    const clientId = options.clientId ?? `test-${process.pid}-${++clientSequence}`;
    const client = new ProcessClient({ clientId });
    await client.request({ op: 'connect', url, options: { ...options, clientId }, holdAcks: behaviour.holdAcks });
    return client;
  }

  subscribeAsync(topics: string | string[], options: { qos?: 0 | 1 | 2 } = {}): Promise<void> {
    return this.request({ op: 'subscribe', topics: ([] as string[]).concat(topics), qos: options.qos });
  }

  unsubscribeAsync(topics: string | string[]): Promise<void> {
    return this.request({ op: 'unsubscribe', topics: ([] as string[]).concat(topics) });
  }

  publishAsync(topic: string, body: string, options: { qos?: 0 | 1 | 2 } = {}): Promise<void> {
    return this.request({ op: 'publish', topic, body, qos: options.qos });
  }

  async endAsync(force = false): Promise<void> {
    if (this.child.exitCode === null) await this.request({ op: 'end', force });
    this.child.stdin?.end();
  }

  private request(command: Record<string, unknown>): Promise<void> {
    const id = ++this.sequence;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin?.write(`${JSON.stringify({ id, ...command })}\n`);
    });
  }
}

type MessageListener = (topic: string, body: Buffer) => void;
/** What receives messages: an MqttClient in this process, or a ProcessClient. */
interface MessageSource {
  on(event: 'message', listener: MessageListener): unknown;
  off(event: 'message', listener: MessageListener): unknown;
}

/** Resolves with the next `count` messages the client receives. */
export function nextMessages(client: MessageSource, count: number): Promise<Received[]> {
  return new Promise((resolve) => {
    const received: Received[] = [];
    const onMessage = (topic: string, message: Buffer): void => {
      received.push({ topic, body: JSON.parse(message.toString('utf8')) as Record<string, unknown> });
      if (received.length < count) return;
      client.off('message', onMessage);
      resolve(received);
    };
    client.on('message', onMessage);
  });
}

const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export interface BrokerProcess {
  child: ChildProcess;
  ports: { mqtt: number; ws: number; http: number };
  stderr(): string;
  /** Resolves with the exit code (or signal) once the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `eventscope broker` from source in its own process and waits for its `ready` line. */
export async function spawnBrokerCli(args: string[]): Promise<BrokerProcess> {
  const child = spawn(process.execPath, ['--import', TSX, path.join(ROOT, 'src/cli/main.ts'), 'broker', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const lines = createInterface({ input: child.stdout });
  const ready = await Promise.race([
    once(lines, 'line').then(([line]) => line as string),
    exited.then(({ code }) => {
      throw new Error(`broker exited with ${code} before ready: ${stderr}`);
    }),
  ]);
  const match = /^ready mqtt=(\d+) ws=(\d+) http=(\d+)$/.exec(ready);
  if (!match) throw new Error(`unexpected first line: ${ready}`);
  return { child, ports: { mqtt: Number(match[1]), ws: Number(match[2]), http: Number(match[3]) }, stderr: () => stderr, exited };
}

/** Resolves once `condition` holds, checking after each record or delivery the trace sees. */
export function untilTrace(trace: TraceStore, condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (condition()) return resolve();
    const check = (): void => {
      if (!condition()) return;
      onRecord.dispose();
      onDelivery.dispose();
      resolve();
    };
    const onRecord = trace.onRecord(check);
    const onDelivery = trace.onDelivery(check);
  });
}
