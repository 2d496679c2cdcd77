/**
 * The tap's traced rate against each real broker's own delivery rate to a plain subscriber, in one run:
 * Debian's mosquitto, rabbitmq-server and nats-server on loopback, the same publisher and the same valid
 * OrderPlaced events, rounds alternating between a plain subscriber of the channel and the tap (contract
 * matching, validation and a journal on), medians of each.
 * Last line: `tap ratio: mqtt 0.NN amqp 0.NN nats 0.NN` (tap messages/s over plain-subscriber messages/s).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import amqplib from 'amqplib';
import mqtt from 'mqtt';
import { connect as natsConnect } from 'nats';
import { loadDocuments } from '../src/core/broker';
import { attachTap } from '../src/core/tap';
import { TraceStore } from '../src/core/trace/store';
import { MOSQUITTO, NATS_SERVER, RABBITMQ_SERVER, startMosquitto, startNatsServer, startRabbitMq } from '../test/unit/support/brokers';

const ROOT = path.resolve(__dirname, '..');
const SHOP = path.join(ROOT, 'test/fixtures/tap/shop.yaml');
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Messages published and not yet received: keeps the broker busy without queueing without end. */
const WINDOW = 500;

interface Protocol {
  name: 'mqtt' | 'amqp' | 'nats';
  /** Publishes `count` messages, never more than WINDOW ahead of `received()`; resolves when all are sent. */
  publish(count: number, received: () => number, wake: (resume: () => void) => void): Promise<void>;
  /** A plain subscriber of the channel; calls `onMessage` per message; returns its unsubscribe. */
  subscribe(onMessage: () => void): Promise<() => Promise<void>>;
  variables: Record<string, string>;
  stop(): Promise<void>;
}

const body = (index: number): string => JSON.stringify({ orderId: `ORD-${index}`, total: index });

/** The messages per second one receiver got, from the first publish to the last receipt. */
async function round(protocol: Protocol, attach: (onMessage: () => void) => Promise<() => Promise<void>>): Promise<number> {
  let received = 0;
  let resume: (() => void) | undefined;
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const detach = await attach(() => {
    received++;
    if (resume && received % 100 === 0) {
      const next = resume;
      resume = undefined;
      next();
    }
    if (received === MESSAGES) done();
  });
  const started = process.hrtime.bigint();
  await protocol.publish(MESSAGES, () => received, (next) => (resume = next));
  await all;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await detach();
  return MESSAGES / seconds;
}

/** Paces a publish loop: waits for the receiver whenever WINDOW messages are in flight. */
async function paced(count: number, received: () => number, wake: (resume: () => void) => void, send: (index: number) => Promise<void> | void): Promise<void> {
  for (let index = 0; index < count; index++) {
    while (index - received() >= WINDOW) await new Promise<void>((resolve) => wake(resolve));
    await send(index);
  }
}

async function mqttProtocol(dir: string): Promise<Protocol> {
  const broker = await startMosquitto(dir);
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const publisher = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
  return {
    name: 'mqtt',
    variables: { port: String(broker.port) },
    publish: (count, received, wake) => paced(count, received, wake, (index) => void publisher.publish(`shop/orders/ORD-${index}/placed`, body(index), { qos: 1 })),
    subscribe: async (onMessage) => {
      const client = await mqtt.connectAsync(url, { protocolVersion: 5, reconnectPeriod: 0 });
      client.on('message', onMessage);
      await client.subscribeAsync('shop/orders/+/placed', { qos: 1 });
      return () => client.endAsync(true);
    },
    stop: async () => {
      await publisher.endAsync(true);
      await broker.stop();
    },
  };
}

async function amqpProtocol(dir: string): Promise<Protocol> {
  const broker = await startRabbitMq(dir);
  const connection = await amqplib.connect(broker.url);
  const channel = await connection.createChannel();
  await channel.assertExchange('shop', 'topic', { durable: false });
  return {
    name: 'amqp',
    variables: { port: String(broker.port) },
    publish: (count, received, wake) => paced(count, received, wake, (index) => void channel.publish('shop', `shop.orders.ORD-${index}.placed`, Buffer.from(body(index)))),
    subscribe: async (onMessage) => {
      const subscriber = await connection.createChannel();
      const { queue } = await subscriber.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
      await subscriber.bindQueue(queue, 'shop', 'shop.orders.*.placed');
      await subscriber.consume(queue, onMessage, { noAck: true });
      return () => subscriber.close();
    },
    stop: async () => {
      await connection.close();
      await broker.stop();
    },
  };
}

async function natsProtocol(): Promise<Protocol> {
  const broker = await startNatsServer();
  const servers = `127.0.0.1:${broker.port}`;
  const publisher = await natsConnect({ servers });
  const encoder = new TextEncoder();
  return {
    name: 'nats',
    variables: { port: String(broker.port) },
    publish: (count, received, wake) =>
      paced(count, received, wake, async (index) => {
        publisher.publish(`shop.orders.ORD-${index}.placed`, encoder.encode(body(index)));
        if (index % 100 === 99) await publisher.flush();
      }),
    subscribe: async (onMessage) => {
      const subscriber = await natsConnect({ servers });
      subscriber.subscribe('shop.orders.*.placed', { callback: onMessage });
      await subscriber.flush();
      return () => subscriber.close();
    },
    stop: async () => {
      await publisher.close();
      await broker.stop();
    },
  };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'eventscope-bench-tap-'));
  const documents = await loadDocuments([SHOP]);
  const ratios: string[] = [];
  const starts: [string, string, () => Promise<Protocol>][] = [
    ['mqtt', MOSQUITTO, () => mqttProtocol(dir)],
    ['amqp', RABBITMQ_SERVER, () => amqpProtocol(dir)],
    ['nats', NATS_SERVER, () => natsProtocol()],
  ];
  try {
    for (const [name, binary, start] of starts) {
      if (!existsSync(binary)) {
        console.log(`${name}: skipped, ${binary} is not installed`);
        ratios.push(`${name} -`);
        continue;
      }
      const protocol = await start();
      const plain: number[] = [];
      const tapped: number[] = [];
      for (let index = 0; index < ROUNDS; index++) {
        const tapRound = (): Promise<number> =>
          round(protocol, async (onMessage) => {
            const trace = new TraceStore({ journalFile: path.join(dir, `${name}-${index}.jsonl`) });
            trace.onRecord(onMessage);
            const { session } = await attachTap({ documents, server: name, variables: protocol.variables, trace });
            return async () => {
              await session.detach();
              trace.close();
            };
          });
        const plainRound = (): Promise<number> => round(protocol, (onMessage) => protocol.subscribe(onMessage));
        // Alternate which goes first, so neither always meets a warmer broker.
        if (index % 2 === 0) {
          plain.push(await plainRound());
          tapped.push(await tapRound());
        } else {
          tapped.push(await tapRound());
          plain.push(await plainRound());
        }
      }
      await protocol.stop();
      const ratio = median(tapped) / median(plain);
      console.log(`${name}: plain subscriber ${median(plain).toFixed(0)} msg/s, tap ${median(tapped).toFixed(0)} msg/s (${MESSAGES} messages, median of ${ROUNDS} rounds)`);
      ratios.push(`${name} ${ratio.toFixed(2)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`tap ratio: ${ratios.join(' ')}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
