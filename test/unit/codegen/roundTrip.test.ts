import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import amqplib from 'amqplib';
import mqtt from 'mqtt';
import { connect as natsConnect } from 'nats';
import WebSocket, { WebSocketServer } from 'ws';
import { createAedesBroker, loadDocuments } from '../../../src/core/broker';
import { TraceStore } from '../../../src/core/trace/store';
import { EXAMPLES, ROOT, validateFile } from '../helpers';
import { MOSQUITTO, NATS_SERVER, RABBITMQ_SERVER, startMosquitto, startNatsServer, startRabbitMq } from '../support/brokers';
import { generateInto, workspace } from './support';

/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return */
// Generated modules are imported at run time from a temp folder, so the test sees them untyped.
type Module = any;

interface Broker {
  name: string;
  transport: 'mqtt' | 'nats' | 'amqp' | 'ws';
  /** Two transports on one broker: the service's side and the mirror's. */
  connect(generated: Module): Promise<[unknown, unknown]>;
  /** Publishes raw bytes as a foreign, non-generated peer would. */
  rawPublish(address: string, text: string): Promise<void>;
  stop(): Promise<void>;
}

function mqttBroker(name: string, port: number, protocolVersion: 4 | 5, stop: () => Promise<void>): Broker {
  const clients: mqtt.MqttClient[] = [];
  const client = async (): Promise<mqtt.MqttClient> => {
    const connected = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { protocolVersion, reconnectPeriod: 0 });
    clients.push(connected);
    return connected;
  };
  return {
    name,
    transport: 'mqtt',
    connect: async (generated) => [new generated.MqttTransport(await client()), new generated.MqttTransport(await client())],
    rawPublish: async (address, text) => {
      const raw = await client();
      await raw.publishAsync(address, protocolVersion === 5 ? text : `{"headers":{},"payload":${text}}`, { qos: 1 });
    },
    stop: async () => {
      await Promise.all(clients.map((connected) => connected.endAsync(true)));
      await stop();
    },
  };
}

async function startAedes(): Promise<Broker> {
  // aedes is an ES module; this test file compiles as CommonJS.
  const { Aedes } = await import('aedes');
  const aedes = await Aedes.createBroker();
  const server = net.createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return mqttBroker('aedes (embedded)', port, 4, async () => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}

/** Eventscope's own broker, validating against the shop documents; what it traced is kept for the test. */
const eventscopeTrace = new TraceStore();
async function startEventscopeBroker(): Promise<Broker> {
  const files = ['orders', 'payments', 'inventory', 'notifications'].map((service) => path.join(EXAMPLES, service, 'asyncapi.yaml'));
  const broker = createAedesBroker({ mqttPort: 0, documents: await loadDocuments(files), trace: eventscopeTrace, onInvalid: 'pass' });
  const { mqtt: port } = await broker.start();
  return mqttBroker("Eventscope's broker", port!, 4, () => broker.close());
}

async function startMosquittoBroker(dir: string): Promise<Broker> {
  const mosquitto = await startMosquitto(dir);
  return mqttBroker('mosquitto', mosquitto.port, 5, () => mosquitto.stop());
}

async function startNats(): Promise<Broker> {
  const server = await startNatsServer();
  const connections: Awaited<ReturnType<typeof natsConnect>>[] = [];
  const connection = async (): Promise<Awaited<ReturnType<typeof natsConnect>>> => {
    const connected = await natsConnect({ servers: `127.0.0.1:${server.port}` });
    connections.push(connected);
    return connected;
  };
  return {
    name: 'nats-server',
    transport: 'nats',
    connect: async (generated) => [new generated.NatsTransport(await connection()), new generated.NatsTransport(await connection())],
    rawPublish: async (address, text) => {
      const raw = await connection();
      raw.publish(address, new TextEncoder().encode(text));
      await raw.flush();
    },
    stop: async () => {
      await Promise.all(connections.map((connected) => connected.close()));
      await server.stop();
    },
  };
}

async function startRabbitMqBroker(dir: string): Promise<Broker> {
  const rabbit = await startRabbitMq(dir);
  const connections: Awaited<ReturnType<typeof amqplib.connect>>[] = [];
  const channel = async (): Promise<amqplib.Channel> => {
    const connection = await amqplib.connect(rabbit.url);
    connections.push(connection);
    return connection.createChannel();
  };
  return {
    name: 'rabbitmq-server',
    transport: 'amqp',
    connect: async (generated) => [new generated.AmqpTransport(await channel()), new generated.AmqpTransport(await channel())],
    rawPublish: async (address, text) => {
      const raw = await channel();
      await raw.assertExchange('eventscope', 'topic', { durable: false });
      raw.publish('eventscope', address, Buffer.from(text));
      await raw.close();
    },
    stop: async () => {
      await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
      await rabbit.stop();
    },
  };
}

/**
 * WebSocket has no broker: the generated adapter sends JSON envelopes and filters by address itself. The
 * relay here forwards every frame to every connected socket, the role a WebSocket gateway plays.
 */
async function startWebSocketRelay(): Promise<Broker> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => {
      for (const peer of server.clients) if (peer.readyState === WebSocket.OPEN) peer.send(data, { binary: isBinary });
    });
  });
  const { port } = server.address() as net.AddressInfo;
  const sockets: WebSocket[] = [];
  const socket = async (): Promise<WebSocket> => {
    const opened = new WebSocket(`ws://127.0.0.1:${port}`);
    sockets.push(opened);
    await new Promise<void>((resolve, reject) => {
      opened.once('open', resolve);
      opened.once('error', reject);
    });
    return opened;
  };
  return {
    name: 'a WebSocket relay',
    transport: 'ws',
    connect: async (generated) => [new generated.WebSocketTransport(await socket()), new generated.WebSocketTransport(await socket())],
    rawPublish: async (address, text) => {
      const raw = await socket();
      await new Promise<void>((resolve, reject) => raw.send(JSON.stringify({ address, headers: {}, payload: text }), (error) => (error ? reject(error) : resolve())));
    },
    stop: async () => {
      for (const opened of sockets) opened.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const BROKERS: { name: string; binary?: string; start(dir: string): Promise<Broker> }[] = [
  { name: 'aedes', start: () => startAedes() },
  { name: "Eventscope's broker", start: () => startEventscopeBroker() },
  { name: 'mosquitto', binary: MOSQUITTO, start: (dir) => startMosquittoBroker(dir) },
  { name: 'nats-server', binary: NATS_SERVER, start: () => startNats() },
  { name: 'rabbitmq-server', binary: RABBITMQ_SERVER, start: (dir) => startRabbitMqBroker(dir) },
  { name: 'a WebSocket relay', start: () => startWebSocketRelay() },
];

const ORDERS = path.join(EXAMPLES, 'orders/asyncapi.yaml');
/** AsyncAPI 2.6: two request/reply pairs told apart by their channels, an event, and an integer address parameter. */
const PAIRS = path.join(ROOT, 'test/fixtures/codegen/pairs.yaml');

/** The document's own examples, with the order ID swapped in. */
let examples: Map<string, Record<string, unknown>>;
const example = (message: string, orderId: string): Record<string, unknown> => ({ ...structuredClone(examples.get(message)!), orderId });
const orderPlaced = (orderId: string): Record<string, unknown> => example('OrderPlaced', orderId);

before(async () => {
  const { model } = await validateFile(ORDERS);
  examples = new Map(model!.messages.map((message) => [message.name!, message.examples[0]?.payload as Record<string, unknown>]));
});

for (const entry of BROKERS) {
  const missing = entry.binary && !existsSync(entry.binary);
  if (missing) console.log(`# codegen round trip through ${entry.name} skipped: ${entry.binary} is not installed (apt-get install ${entry.name})`);
  describe(`codegen round trip through ${entry.name}`, { skip: missing ? `${entry.binary} not installed` : false }, () => {
    let ws: Awaited<ReturnType<typeof workspace>>;
    let broker: Broker;
    let client: Module;
    let mirror: Module;
    let generated: Module;
    let quotes: Module;
    let quotesMirror: Module;

    before(async () => {
      ws = await workspace();
      broker = await entry.start(ws.dir);
      const out = path.join(ws.dir, 'client');
      await generateInto(ORDERS, out, broker.transport);
      generated = await import(path.join(out, 'index.ts'));
      const [service, other] = await broker.connect(generated);
      client = new generated.Client(service);
      mirror = new generated.MirrorClient(other);
      const pairsOut = path.join(ws.dir, 'pairs');
      await generateInto(PAIRS, pairsOut, broker.transport);
      const pairs = await import(path.join(pairsOut, 'index.ts'));
      const [quotesService, quotesOther] = await broker.connect(pairs);
      quotes = new pairs.Client(quotesService);
      quotesMirror = new pairs.MirrorClient(quotesOther);
    });
    after(async () => {
      await broker.stop();
      await ws.dispose();
    });

    it('the producer publishes, the mirror receives it typed, with parameters, correlation ID and traceparent', async () => {
      let receive!: (value: any) => void;
      const received = new Promise<any>((resolve) => (receive = resolve));
      const subscription = await mirror.onOrderPlaced(receive);
      const traceContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
      const { correlationId } = await client.publishOrderPlaced(orderPlaced('ORD-2026-000042'), { params: { orderId: 'ORD-2026-000042' }, traceContext });
      const message = await received;
      assert.equal(message.name, 'OrderPlaced');
      assert.deepEqual(message.payload, orderPlaced('ORD-2026-000042'));
      assert.deepEqual(message.params, { orderId: 'ORD-2026-000042' });
      assert.equal(message.correlationId, correlationId);
      assert.equal(message.traceparent, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
      await subscription.unsubscribe();
    });

    it('every send operation of the orders document reaches the mirror typed, with its parameters', async () => {
      const operations = [
        ['publishOrderPlaced', 'onOrderPlaced', 'OrderPlaced'],
        ['publishOrderConfirmed', 'onOrderConfirmed', 'OrderConfirmed'],
        ['publishOrderCancelled', 'onOrderCancelled', 'OrderCancelled'],
      ] as const;
      for (const [publish, on, name] of operations) {
        const orderId = 'ORD-2026-000300';
        let receive!: (value: any) => void;
        const received = new Promise<any>((resolve) => (receive = resolve));
        const subscription = await mirror[on](receive, { params: { orderId } });
        const { correlationId } = await client[publish](example(name, orderId), { params: { orderId } });
        const message = await received;
        assert.equal(message.name, name);
        assert.deepEqual(message.payload, example(name, orderId));
        assert.deepEqual(message.params, { orderId });
        assert.equal(message.address, `shop/orders/${orderId}/${name.replace('Order', '').toLowerCase()}`);
        assert.equal(message.correlationId, correlationId);
        await subscription.unsubscribe();
      }
    });

    it('a receive operation parses its integer address parameter back into a number', async () => {
      let receive!: (value: any) => void;
      const received = new Promise<any>((resolve) => (receive = resolve));
      const subscription = await quotes.onRestocked(receive);
      await quotesMirror.publishRestocked({ sku: 'SKU-1', units: 12 }, { params: { shelf: 7 } });
      const message = await received;
      assert.equal(message.name, 'Restocked');
      assert.deepEqual(message.params, { shelf: 7 });
      assert.deepEqual(message.payload, { sku: 'SKU-1', units: 12 });
      assert.equal(message.address, 'shelves/7/restocked');
      await subscription.unsubscribe();
    });

    it('a 2.x document with two request/reply pairs gets a request function for each, each answered on its own reply channel', async () => {
      const subscriptions = [
        await quotesMirror.onPrice((request: any) => ({ payload: { sku: request.payload.sku, price: 9.5 } })),
        await quotesMirror.onStock((request: any) => ({ payload: { sku: request.payload.sku, units: 3 } })),
      ];
      const [price, stock] = await Promise.all([quotes.requestPrice({ sku: 'SKU-1' }, { timeoutMs: 10_000 }), quotes.requestStock({ sku: 'SKU-2' }, { timeoutMs: 10_000 })]);
      assert.deepEqual([price.name, price.address, price.payload], ['PriceQuoted', 'quotes/price/replies', { sku: 'SKU-1', price: 9.5 }]);
      assert.deepEqual([stock.name, stock.address, stock.payload], ['StockReported', 'quotes/stock/replies', { sku: 'SKU-2', units: 3 }]);
      // The event that shares the correlation location stays an event.
      assert.equal(typeof quotes.publishAudit, 'function');
      assert.equal(quotes.requestAudit, undefined);
      for (const subscription of subscriptions) await subscription.unsubscribe();
    });

    it('refuses an invalid payload before it leaves the producer', async () => {
      await assert.rejects(client.publishOrderPlaced({ orderId: 'ORD-2026-000001' }, { params: { orderId: 'ORD-2026-000001' } }), (error: Error) => {
        assert.equal(error.name, 'MessageValidationError');
        assert.match(error.message, /customer/);
        return true;
      });
    });

    it('hands a hand-crafted invalid message to onInvalid, never to the handler', async () => {
      const handled: unknown[] = [];
      let invalid!: (value: any) => void;
      const invalidSeen = new Promise<any>((resolve) => (invalid = resolve));
      let valid!: (value: any) => void;
      const validSeen = new Promise<any>((resolve) => (valid = resolve));
      const subscription = await mirror.onOrderPlaced(
        (message: any) => {
          handled.push(message);
          valid(message);
        },
        { params: { orderId: 'ORD-2026-000666' }, onInvalid: invalid },
      );
      await broker.rawPublish('shop/orders/ORD-2026-000666/placed', JSON.stringify({ orderId: 'ORD-2026-000666', total: 'lots' }));
      const refusal = await invalidSeen;
      assert.equal(handled.length, 0);
      assert.equal(refusal.operation, 'publishOrderPlaced');
      assert.ok(refusal.errors.length > 0);
      // A valid message after it is handled: the subscription itself works.
      await client.publishOrderPlaced(orderPlaced('ORD-2026-000666'), { params: { orderId: 'ORD-2026-000666' } });
      assert.equal((await validSeen).payload.orderId, 'ORD-2026-000666');
      await subscription.unsubscribe();
    });

    it('messages on unrelated addresses reach neither the handler nor onInvalid', async () => {
      const handled: unknown[] = [];
      const refused: any[] = [];
      const channelAddress = 'shop/orders/ORD-2026-000777/placed';
      let refusedOnChannel!: () => void;
      const channelMessageRefused = new Promise<void>((resolve) => (refusedOnChannel = resolve));
      const subscription = await mirror.onOrderPlaced((message: unknown) => handled.push(message), {
        onInvalid: (refusal: any) => {
          refused.push(refusal);
          if (refusal.address === channelAddress) refusedOnChannel();
        },
      });
      // One level off the template, a NATS/AMQP multi-level subject, and a single token a "*" lets through.
      for (const address of ['shop/orders/ORD-2026-000777/shipped', 'shop.orders.ORD-2026-000777.placed', 'unrelated']) {
        await broker.rawPublish(address, JSON.stringify(orderPlaced('ORD-2026-000777')));
      }
      // Published after them, so once it is refused the unrelated ones have had their chance to arrive.
      await broker.rawPublish(channelAddress, JSON.stringify({ orderId: 'ORD-2026-000777' }));
      await channelMessageRefused;
      assert.deepEqual(
        refused.map((refusal) => refusal.address),
        [channelAddress],
      );
      assert.deepEqual(handled, []);
      await subscription.unsubscribe();
    });

    it('matches replies sent in the reverse order of their requests by correlation ID', async () => {
      const answers: ((reply: any) => void)[] = [];
      let bothArrived!: () => void;
      const requestsArrived = new Promise<void>((resolve) => (bothArrived = resolve));
      const subscription = await mirror.onPayment(
        (request: any) =>
          new Promise((answer) => {
            answers.push(() => answer({ payload: { ...example('PaymentCompleted', request.payload.orderId), amount: request.payload.amount } }));
            if (answers.length === 2) bothArrived();
          }),
      );
      const [first, second] = ['ORD-2026-000201', 'ORD-2026-000202'].map((orderId) =>
        client.requestPayment(example('PaymentRequested', orderId), { timeoutMs: 10_000 }),
      );
      await requestsArrived;
      // The later request is answered, and its reply received, before the earlier one is answered at all.
      answers[1]!(undefined);
      const secondReply = await second;
      answers[0]!(undefined);
      const firstReply = await first;
      assert.equal(secondReply.payload.orderId, 'ORD-2026-000202');
      assert.equal(firstReply.payload.orderId, 'ORD-2026-000201');
      assert.notEqual(firstReply.correlationId, secondReply.correlationId);
      await subscription.unsubscribe();
    });

    it('closing a client fails the request still waiting for its reply at once', async () => {
      const [own] = await broker.connect(generated);
      const closing = new generated.Client(own);
      let arrived!: () => void;
      const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
      // Receives the request and never answers it.
      const subscription = await mirror.onPayment(() => {
        arrived();
        return new Promise(() => undefined);
      });
      const waiting = closing.requestPayment(example('PaymentRequested', 'ORD-2026-000301'), { timeoutMs: 600_000 });
      await requestArrived;
      const failed = assert.rejects(waiting, /closed before the reply/);
      await closing.close();
      await failed;
      await subscription.unsubscribe();
    });

    it('matches concurrent replies to their requests by correlation ID', async () => {
      const subscription = await mirror.onPayment(async (request: any) => {
        // Answer out of order: later requests first.
        await new Promise((resolve) => setImmediate(resolve));
        return { payload: { ...example('PaymentCompleted', request.payload.orderId), amount: request.payload.amount } };
      });
      const orderIds = Array.from({ length: 8 }, (_, index) => `ORD-2026-00010${index}`);
      const replies = await Promise.all(
        orderIds.map((orderId, index) =>
          client.requestPayment({ ...example('PaymentRequested', orderId), amount: { amount: 10 + index, currency: 'EUR' } }, { timeoutMs: 10_000 }),
        ),
      );
      replies.forEach((reply: any, index: number) => {
        assert.equal(reply.payload.orderId, orderIds[index]);
        assert.equal(reply.name, 'PaymentCompleted');
        assert.equal(reply.payload.amount.amount, 10 + index);
      });
      await subscription.unsubscribe();
    });
  });
}

it("Eventscope's broker judged the generated producer's messages valid and the hand-crafted one invalid", () => {
  const placed = eventscopeTrace.records().filter((record) => record.message === 'OrderPlaced');
  const valid = placed.filter((record) => record.validation.valid);
  const invalid = placed.filter((record) => !record.validation.valid);
  assert.ok(valid.length >= 2, `valid OrderPlaced events traced: ${valid.length}; ${JSON.stringify(placed.map((record) => [record.headers, record.validation.errors]))}`);
  assert.deepEqual(
    invalid.map((record) => record.topic),
    ['shop/orders/ORD-2026-000666/placed', 'shop/orders/ORD-2026-000777/placed'],
    'only the hand-crafted messages break the contract',
  );
});
