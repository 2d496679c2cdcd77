/**
 * Broker throughput and latency: raw aedes against Eventscope's broker (contract validation and tracing
 * with a journal on), the same mqtt.js clients and the same valid OrderPlaced events, rounds rotating the
 * order, in one process; each order its own correlation and trace ID. A third target, aedes with only
 * Eventscope's validation in its publish hook, shows the ceiling for any broker that validates a message
 * before routing it. Then the trace ring's memory over a million records.
 * Last line: `broker throughput ratio: 0.NN` (Eventscope messages/s over raw aedes messages/s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Aedes, PublishPacket } from 'aedes' with { 'resolution-mode': 'import' };
import { createAedesBroker, loadDocuments } from '../src/core/broker';
import { Contract, ValidatorCache } from '../src/core/broker/contract';
import { decodeText } from '../src/core/broker/envelope';
import { TraceStore } from '../src/core/trace/store';

const ROOT = path.resolve(__dirname, '..');
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const LATENCY_MESSAGES = Number(process.env.BENCH_LATENCY_MESSAGES ?? 2_000);
/** Other jobs share this machine's cores: many short rounds, alternating which target goes first, and medians. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const PRODUCERS = 4;
const CONSUMERS = 2;
/** Messages sent and not yet received by every consumer: enough to keep the broker busy, bounded so nothing queues without end. */
const WINDOW = 400;

interface Target {
  port: number;
  close(): Promise<void>;
}

async function rawAedes(): Promise<Target> {
  const { Aedes } = await import('aedes');
  return serve(await Aedes.createBroker({ concurrency: 1000 }));
}

/** aedes that parses and validates each message as Eventscope's broker does under `reject`, and records nothing. */
async function validationOnly(documents: Awaited<ReturnType<typeof loadDocuments>>): Promise<Target> {
  const { Aedes } = await import('aedes');
  const aedes = await Aedes.createBroker({ concurrency: 1000 });
  const contract = new Contract(documents, new ValidatorCache());
  const invalid = new WeakSet<object>();
  aedes.authorizePublish = (_client, packet, done) => {
    const decoded = decodeText(String(packet.payload));
    if (!contract.check(packet.topic, decoded.headers, decoded.payload, decoded.json).validation.valid) invalid.add(packet);
    done(null);
  };
  type Publish = (packet: PublishPacket, client: unknown, done?: () => void) => void;
  const publish = (aedes.publish as unknown as Publish).bind(aedes);
  (aedes as unknown as { publish: Publish }).publish = (packet, client, done) => (invalid.has(packet) ? done?.() : publish(packet, client, done));
  return serve(aedes);
}

async function serve(aedes: Aedes): Promise<Target> {
  const server = createServer((socket) => aedes.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function eventscope(documents: Awaited<ReturnType<typeof loadDocuments>>, journalFile: string): Promise<Target> {
  const trace = new TraceStore({ journalFile, capacity: 10_000 });
  const broker = createAedesBroker({ mqttPort: 0, documents, trace, onInvalid: 'reject' });
  const { mqtt: port } = await broker.start();
  return {
    port: port ?? 0,
    close: async () => {
      await broker.close();
      trace.close();
    },
  };
}

const orderId = (n: number): string => `ORD-2025-${String(n % 1_000_000).padStart(6, '0')}`;

interface Result {
  perSecond: number;
  p50: number;
  p99: number;
}

/** Runs both phases against `target`, then closes it. */
async function measure(target: Target, body: (n: number) => string): Promise<Result> {
  const url = `mqtt://127.0.0.1:${target.port}`;
  const connectAll = (count: number, prefix: string): Promise<MqttClient[]> =>
    Promise.all(Array.from({ length: count }, (_, index) => mqtt.connectAsync(url, { clientId: `${prefix}-${index}`, reconnectPeriod: 0 })));
  const consumers = await connectAll(CONSUMERS, 'consumer');
  const producers = await connectAll(PRODUCERS, 'producer');
  await Promise.all(consumers.map((consumer) => consumer.subscribeAsync('shop/orders/+/placed', { qos: 0 })));

  const sentAt = new Map<string, number>();
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  let delivered = 0;
  let wake: (() => void) | undefined;
  for (const consumer of consumers) {
    consumer.on('message', (topic) => {
      const now = performance.now();
      delivered++;
      const left = (pending.get(topic) ?? 1) - 1;
      if (left > 0) {
        pending.set(topic, left);
      } else {
        pending.delete(topic);
        const started = sentAt.get(topic);
        if (started !== undefined) latencies.push(now - started);
      }
      wake?.();
    });
  }
  const waitUntil = async (condition: () => boolean): Promise<void> => {
    while (!condition()) await new Promise<void>((resolve) => (wake = resolve));
  };
  const send = (n: number, record: boolean): void => {
    const topic = `shop/orders/${orderId(n)}/placed`;
    pending.set(topic, CONSUMERS);
    if (record) sentAt.set(topic, performance.now());
    producers[n % PRODUCERS]?.publish(topic, body(n), { qos: 0 });
  };

  // Throughput: QoS 0 publish→deliver with a bounded window of messages in flight.
  const started = performance.now();
  for (let n = 0; n < MESSAGES; n++) {
    if (pending.size >= WINDOW) await waitUntil(() => pending.size < WINDOW);
    send(n, false);
  }
  await waitUntil(() => delivered === MESSAGES * CONSUMERS);
  const perSecond = MESSAGES / ((performance.now() - started) / 1000);

  // Latency: one message at a time, so it measures the broker's work and not queueing.
  for (let n = MESSAGES; n < MESSAGES + LATENCY_MESSAGES; n++) {
    send(n, true);
    await waitUntil(() => pending.size === 0);
  }
  await Promise.all([...consumers, ...producers].map((client) => client.endAsync()));
  await target.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { perSecond, p50: at(0.5), p99: at(0.99) };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

function memoryCheck(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  const capacity = 10_000;
  const store = new TraceStore({ capacity });
  const payload = { orderId: 'ORD-2025-000001', lines: [{ sku: 'MUG-0042', quantity: 2 }] };
  const heap = (): number => {
    gc?.();
    return process.memoryUsage().heapUsed / 1024 / 1024;
  };
  const fill = (count: number, offset: number): void => {
    for (let n = offset; n < offset + count; n++) {
      store.add({
        id: store.nextId(), time: Date.now(), topic: `shop/orders/${orderId(n)}/placed`, producer: 'bench', origin: 'mqtt', qos: 0, size: 100,
        payload, validation: { valid: true, checked: true, errors: [] }, disposition: 'delivered', correlation: { messageId: `m${n}` }, deliveries: [],
      });
    }
  };
  const empty = heap();
  fill(1_000_000, 0);
  const first = heap();
  fill(1_000_000, 1_000_000);
  const second = heap();
  const bounded = store.size === capacity && second - first < 2;
  console.log(
    `memory: ring of ${capacity}: heap +${(first - empty).toFixed(1)} MB after a million records, +${(second - empty).toFixed(1)} MB after a second million: ${bounded ? 'within the bound' : 'GREW PAST THE BOUND'}${gc ? '' : ' (run with --expose-gc for exact figures)'}`,
  );
}

async function main(): Promise<void> {
  const documents = await loadDocuments(['orders', 'payments', 'inventory', 'notifications'].map((name) => path.join(ROOT, 'examples', name, 'asyncapi.yaml')));
  const example = documents[0]?.model.messages.find((message) => message.name === 'OrderPlaced')?.examples[0];
  if (!example) throw new Error('no OrderPlaced example');
  // Each order its own flow, as producers send them: correlation ID and trace ID vary with the order.
  const hex = (n: number, digits: number): string => n.toString(16).padStart(digits, '0');
  const body = (n: number): string =>
    JSON.stringify({
      headers: { ...(example.headers as object), correlationId: `6f1c2b0e-8a4d-4e57-9b3a-${hex(n, 12)}`, traceparent: `00-${hex(n, 32)}-00f067aa0ba902b7-01` },
      payload: { ...(example.payload as object), orderId: orderId(n) },
    });
  const work = mkdtempSync(path.join(tmpdir(), 'eventscope-bench-'));
  console.log(`${MESSAGES} QoS 0 messages, ${PRODUCERS} producers, ${CONSUMERS} consumers, ${ROUNDS} rounds; latency over ${LATENCY_MESSAGES} one at a time`);
  const raw: Result[] = [];
  const ours: Result[] = [];
  const validating: Result[] = [];
  // A warm-up of each, so none pays for JIT and first connections.
  await measure(await rawAedes(), body);
  await measure(await eventscope(documents, path.join(work, 'warmup.jsonl')), body);
  await measure(await validationOnly(documents), body);
  for (let round = 0; round < ROUNDS; round++) {
    const targets = [
      async (): Promise<void> => void raw.push(await measure(await rawAedes(), body)),
      async (): Promise<void> => void ours.push(await measure(await eventscope(documents, path.join(work, `round${round}.jsonl`)), body)),
      async (): Promise<void> => void validating.push(await measure(await validationOnly(documents), body)),
    ];
    // Each target goes first, second and third equally often.
    for (let index = 0; index < targets.length; index++) await targets[(round + index) % targets.length]?.();
    const [r, o, v] = [raw.at(-1), ours.at(-1), validating.at(-1)];
    console.log(
      `round ${round + 1}: raw aedes ${r?.perSecond.toFixed(0)} msg/s p99 ${r?.p99.toFixed(2)} ms | eventscope ${o?.perSecond.toFixed(0)} msg/s p99 ${o?.p99.toFixed(2)} ms | validation only ${v?.perSecond.toFixed(0)} msg/s`,
    );
  }
  rmSync(work, { recursive: true, force: true });
  const rawRate = median(raw.map((result) => result.perSecond));
  const ourRate = median(ours.map((result) => result.perSecond));
  const rawP99 = median(raw.map((result) => result.p99));
  const ourP99 = median(ours.map((result) => result.p99));
  console.log(`median: raw aedes ${rawRate.toFixed(0)} msg/s, p50 ${median(raw.map((r) => r.p50)).toFixed(2)} ms, p99 ${rawP99.toFixed(2)} ms`);
  console.log(`median: eventscope ${ourRate.toFixed(0)} msg/s, p50 ${median(ours.map((r) => r.p50)).toFixed(2)} ms, p99 ${ourP99.toFixed(2)} ms`);
  const validatingRate = median(validating.map((result) => result.perSecond));
  console.log(`median: validation only ${validatingRate.toFixed(0)} msg/s (ratio ${(validatingRate / rawRate).toFixed(2)}: the ceiling for a broker that validates each message before routing it)`);
  console.log(`p99 latency added by validation and tracing: ${(ourP99 - rawP99).toFixed(2)} ms`);
  memoryCheck();
  console.log(`broker throughput ratio: ${(ourRate / rawRate).toFixed(2)}`);
}

void main();
