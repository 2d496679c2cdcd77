import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import amqplib from 'amqplib';
import mqtt from 'mqtt';
import { AckPolicy, connect as natsConnect, headers as natsHeaders, type NatsConnection } from 'nats';
import { attachTap } from '../../../src/core/tap';
import type { TraceRecord } from '../../../src/core/trace/record';
import { TraceStore } from '../../../src/core/trace/store';
import { MOSQUITTO, NATS_SERVER, RABBITMQ_SERVER, freePort, startMosquitto, startNatsServer, startRabbitMq, type BrokerProcess } from '../support/brokers';
import { ROOT } from '../helpers';
import { INVALID_ORDER, order, shopDocuments, tempDir, traced } from './support';

const TLS = path.join(ROOT, 'test/fixtures/tap/tls');

const COUNT = 50;

/** What every broker's run must show: each message traced once, judged right, with channel, parameters and correlation. */
function assertTraced(records: TraceRecord[], topicOf: (orderId: string) => string, channel: string): void {
  const observed = records.filter((record) => record.disposition === 'observed');
  assert.equal(observed.length, COUNT + 1, 'every published message traced once');
  assert.ok(observed.every((record) => record.origin === 'tap'));
  const valid = observed.filter((record) => record.validation.valid);
  assert.equal(valid.length, COUNT);
  assert.deepEqual(
    valid.map((record) => record.topic),
    Array.from({ length: COUNT }, (_, index) => topicOf(`ORD-${index}`)),
    'in publishing order',
  );
  const first = valid[0]!;
  assert.equal(first.channel, channel);
  assert.deepEqual(first.params, { orderId: 'ORD-0' });
  assert.equal(first.message, 'OrderPlaced');
  assert.equal(first.correlation.correlationId, 'ORD-0');
  assert.deepEqual(first.payload, order(0));
  const invalid = observed.filter((record) => !record.validation.valid);
  assert.equal(invalid.length, 1);
  assert.equal(invalid[0]!.topic, topicOf('ORD-999'));
  assert.deepEqual(
    invalid[0]!.validation.errors.map((error) => `${error.part}${error.instancePath} ${error.message}`).sort(),
    ['payload must NOT have additional properties ("coupon")', 'payload/total must be number'],
  );
}

const skip = (binary: string): string | false => (existsSync(binary) ? false : `${binary} is not installed`);

describe('tap on mosquitto (MQTT 5)', { skip: skip(MOSQUITTO) }, () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  let broker: BrokerProcess;
  const clients: mqtt.MqttClient[] = [];
  const client = async (): Promise<mqtt.MqttClient> => {
    const connected = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { protocolVersion: 5, reconnectPeriod: 0 });
    clients.push(connected);
    return connected;
  };

  before(async () => {
    temp = await tempDir();
    // $SYS figures every second: the subscription count tells when the tap's subscription is gone.
    broker = await startMosquitto(temp.dir, { config: ['sys_interval 1'] });
  });
  after(async () => {
    await Promise.all(clients.map((connected) => connected.endAsync(true)));
    await broker.stop();
    await temp.dispose();
  });

  it('traces every message with its validation, leaves the shared-subscription consumer every message, and unsubscribes on detach', async () => {
    const observer = await client();
    // Fresh $SYS figures only: the retained one a new subscriber gets can be a second old.
    const counts: number[] = [];
    const countIs = (expected: () => number | undefined): Promise<number> =>
      new Promise((resolve) => {
        const check = (): void => {
          const latest = counts.at(-1);
          if (latest === undefined || latest !== expected()) return;
          observer.off('message', check);
          resolve(latest);
        };
        observer.on('message', check);
        check();
      });
    observer.on('message', (topic, payload, packet) => {
      if (topic === '$SYS/broker/subscriptions/count' && !packet.retain) counts.push(Number(payload.toString()));
    });

    const consumer = await client();
    const consumed: string[] = [];
    let allConsumed!: () => void;
    const consumedAll = new Promise<void>((resolve) => (allConsumed = resolve));
    consumer.on('message', (topic) => {
      consumed.push(topic);
      if (consumed.length === COUNT + 1) allConsumed();
    });
    await consumer.subscribeAsync('$share/workers/shop/orders/+/placed', { qos: 1 });
    await observer.subscribeAsync('$SYS/broker/subscriptions/count');
    // The observer's own subscription changes the count, so a fresh figure follows.
    const baseline = await countIs(() => counts[0]);

    const trace = new TraceStore();
    const { session, tap } = await attachTap({ documents: await shopDocuments(), server: 'mqtt', variables: { port: String(broker.port) }, trace });
    assert.deepEqual(tap.subscriptions(), ['shop/orders/+/placed']);
    await countIs(() => baseline + 1);

    const publisher = await client();
    for (let index = 0; index < COUNT; index++) {
      await publisher.publishAsync(`shop/orders/ORD-${index}/placed`, JSON.stringify(order(index)), { qos: 1 });
    }
    await publisher.publishAsync('shop/orders/ORD-999/placed', JSON.stringify(INVALID_ORDER), { qos: 1 });
    const records = await traced(trace, (all) => all.length === COUNT + 1);
    await consumedAll;
    assertTraced(records, (orderId) => `shop/orders/${orderId}/placed`, 'shop/orders/{orderId}/placed');
    assert.equal(consumed.length, COUNT + 1, 'the consumer got every message');

    await session.detach();
    assert.deepEqual(tap.subscriptions(), []);
    await countIs(() => baseline);
  });
});

describe('tap on mosquitto over TLS', { skip: skip(MOSQUITTO) }, () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  let broker: BrokerProcess;
  let ca: string;

  before(async () => {
    temp = await tempDir();
    broker = await startMosquitto(temp.dir, { config: [`certfile ${path.join(TLS, 'cert.pem')}`, `keyfile ${path.join(TLS, 'key.pem')}`] });
    ca = await readFile(path.join(TLS, 'cert.pem'), 'utf8');
  });
  after(async () => {
    await broker.stop();
    await temp.dispose();
  });

  it('verifies the server certificate against the given CA, and refuses one it cannot verify', async () => {
    const documents = await shopDocuments();
    const variables = { port: String(broker.port) };
    await assert.rejects(attachTap({ documents, server: 'mqtt', variables, tls: true, trace: new TraceStore() }), /self[- ]signed certificate/);
    const trace = new TraceStore();
    const { session } = await attachTap({ documents, server: 'mqtt', variables, tls: true, credentials: { ca }, trace });
    const publisher = await mqtt.connectAsync(`mqtts://127.0.0.1:${broker.port}`, { ca, protocolVersion: 5, reconnectPeriod: 0 });
    await publisher.publishAsync('shop/orders/ORD-1/placed', JSON.stringify(order(1)), { qos: 1 });
    await publisher.endAsync();
    const [record] = await traced(trace, (records) => records.length === 1);
    assert.deepEqual([record!.message, record!.validation.valid], ['OrderPlaced', true]);
    await session.detach();
  });
});

describe('tap on rabbitmq-server (AMQP 0-9-1)', { skip: skip(RABBITMQ_SERVER) }, () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  let broker: BrokerProcess & { url: string };
  let connection: amqplib.ChannelModel;

  before(async () => {
    temp = await tempDir();
    broker = await startRabbitMq(temp.dir);
    connection = await amqplib.connect(broker.url);
  });
  after(async () => {
    await connection.close().catch(() => undefined);
    await broker.stop();
    await temp.dispose();
  });

  it('traces every message through a private queue on the bound exchange, leaves the application queue every message, and deletes its queue on detach', async () => {
    const app = await connection.createChannel();
    await app.assertExchange('shop', 'topic', { durable: false });
    const { queue: workQueue } = await app.assertQueue('shop.orders.placed.workers', { durable: false });
    await app.bindQueue(workQueue, 'shop', 'shop.orders.*.placed');
    const consumed: string[] = [];
    let allConsumed!: () => void;
    const consumedAll = new Promise<void>((resolve) => (allConsumed = resolve));
    await app.consume(workQueue, (delivery) => {
      if (!delivery) return;
      consumed.push(delivery.fields.routingKey);
      app.ack(delivery);
      if (consumed.length === COUNT + 1) allConsumed();
    });

    const trace = new TraceStore();
    const { session, tap } = await attachTap({ documents: await shopDocuments(), server: 'amqp', variables: { port: String(broker.port) }, trace });
    const tapQueue = tap.subscriptions()[0] ?? '';
    assert.ok(tapQueue?.startsWith('amq.gen-'), `a server-named queue: ${tapQueue}`);
    assert.deepEqual(
      tap.skipped.map((skipped) => skipped.address),
      ['shop.orders.work'],
      'the work queue has no exchange to copy from',
    );

    for (let index = 0; index < COUNT; index++) {
      app.publish('shop', `shop.orders.ORD-${index}.placed`, Buffer.from(JSON.stringify(order(index))), { contentType: 'application/json' });
    }
    app.publish('shop', 'shop.orders.ORD-999.placed', Buffer.from(JSON.stringify(INVALID_ORDER)));
    const records = await traced(trace, (all) => all.length === COUNT + 1);
    await consumedAll;
    assertTraced(records, (orderId) => `shop.orders.${orderId}.placed`, 'shop.orders.{orderId}.placed');
    assert.equal(consumed.length, COUNT + 1, 'the application queue got every message');

    // Another connection may not even look at an exclusive queue: locked while the tap holds it, gone after.
    const probe = await connection.createChannel();
    probe.on('error', () => undefined);
    await assert.rejects(probe.checkQueue(tapQueue), /RESOURCE_LOCKED/);
    await session.detach();
    const afterwards = await connection.createChannel();
    afterwards.on('error', () => undefined);
    await assert.rejects(afterwards.checkQueue(tapQueue), /NOT_FOUND/);
    await app.close();
  });
});

interface ConnectionInfo {
  name?: string;
  subscriptions_list_detail?: { subject: string; qgroup?: string }[];
}

describe('tap on nats-server', { skip: skip(NATS_SERVER) }, () => {
  let broker: BrokerProcess;
  let monitor: number;
  const connections: NatsConnection[] = [];

  const tapConnections = async (): Promise<ConnectionInfo[]> => {
    const response = await fetch(`http://127.0.0.1:${monitor}/connz?subs=detail`);
    const { connections: open } = (await response.json()) as { connections: ConnectionInfo[] };
    return open.filter((info) => info.name === 'eventscope-tap');
  };

  before(async () => {
    monitor = await freePort();
    broker = await startNatsServer(undefined, ['-m', String(monitor)]);
  });
  after(async () => {
    await Promise.all(connections.map((connection) => connection.close()));
    await broker.stop();
  });

  it('traces every message with a plain subscription outside the queue group, leaves the queue worker every message, and unsubscribes on detach', async () => {
    const app = await natsConnect({ servers: `127.0.0.1:${broker.port}` });
    connections.push(app);
    const consumed: string[] = [];
    let allConsumed!: () => void;
    const consumedAll = new Promise<void>((resolve) => (allConsumed = resolve));
    app.subscribe('shop.orders.*.placed', {
      queue: 'order-workers',
      callback: (_error, message) => {
        consumed.push(message.subject);
        if (consumed.length === COUNT + 1) allConsumed();
      },
    });
    await app.flush();

    const trace = new TraceStore();
    const { session, tap } = await attachTap({ documents: await shopDocuments(), server: 'nats', variables: { port: String(broker.port) }, trace });
    assert.deepEqual(
      tap.skipped.map((skipped) => skipped.address),
      ['js.orders.{orderId}.shipped'],
      'this server runs no JetStream',
    );
    const [info] = await tapConnections();
    // Besides the client's own reply inbox (the JetStream lookup asked the server): the subject, in no queue group.
    assert.deepEqual(
      info?.subscriptions_list_detail?.filter((sub) => !sub.subject.startsWith('_INBOX.')).map((sub) => [sub.subject, sub.qgroup ?? null]),
      [['shop.orders.*.placed', null]],
    );

    for (let index = 0; index < COUNT; index++) {
      const headers = natsHeaders();
      headers.set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
      app.publish(`shop.orders.ORD-${index}.placed`, JSON.stringify(order(index)), { headers });
    }
    app.publish('shop.orders.ORD-999.placed', JSON.stringify(INVALID_ORDER));
    await app.flush();
    const records = await traced(trace, (all) => all.length === COUNT + 1);
    await consumedAll;
    assertTraced(records, (orderId) => `shop.orders.${orderId}.placed`, 'shop.orders.{orderId}.placed');
    assert.equal(records[0]!.correlation.traceId, '4bf92f3577b34da6a3ce929d0e0e4736', 'NATS headers reach the trace');
    assert.equal(consumed.length, COUNT + 1, 'the queue worker got every message');

    await session.detach();
    // The monitoring endpoint has no events: ask until the server has processed the close.
    for (let attempt = 0; attempt < 100 && (await tapConnections()).length > 0; attempt++) await delay(20);
    assert.deepEqual(await tapConnections(), []);
  });
});

describe('tap on nats-server with JetStream', { skip: skip(NATS_SERVER) }, () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  let broker: BrokerProcess;
  let app: NatsConnection;

  before(async () => {
    temp = await tempDir();
    broker = await startNatsServer(undefined, ['-js', '-sd', temp.dir]);
    app = await natsConnect({ servers: `127.0.0.1:${broker.port}` });
  });
  after(async () => {
    await app.close();
    await broker.stop();
    await temp.dispose();
  });

  it('reads the stream with an ordered consumer of its own, leaves the durable consumer every message, and leaves only it behind', async () => {
    const manager = await app.jetstreamManager();
    await manager.streams.add({ name: 'ORDERS', subjects: ['js.orders.>'] });
    await manager.consumers.add('ORDERS', { durable_name: 'shipping', ack_policy: AckPolicy.Explicit });

    const trace = new TraceStore();
    const { session, tap } = await attachTap({ documents: await shopDocuments(), server: 'nats', variables: { port: String(broker.port) }, trace });
    assert.deepEqual(tap.skipped, []);
    assert.ok(tap.subscriptions().includes('ORDERS:js.orders.*.shipped'));
    const js = app.jetstream();
    for (let index = 0; index < COUNT; index++) await js.publish(`js.orders.ORD-${index}.shipped`, JSON.stringify(order(index)));
    await js.publish('js.orders.ORD-999.shipped', JSON.stringify(INVALID_ORDER));
    const records = await traced(trace, (all) => all.length === COUNT + 1);
    assertTraced(records, (orderId) => `js.orders.${orderId}.shipped`, 'js.orders.{orderId}.shipped');

    const shipping = await js.consumers.get('ORDERS', 'shipping');
    const batch = await shipping.fetch({ max_messages: COUNT + 1, expires: 5_000 });
    let consumed = 0;
    for await (const message of batch) {
      consumed++;
      message.ack();
      if (consumed === COUNT + 1) break;
    }
    assert.equal(consumed, COUNT + 1, 'the durable consumer got every message');

    await session.detach();
    const names = async (): Promise<string[]> => (await manager.consumers.list('ORDERS').next()).map((info) => info.name);
    // Consumer deletion is not announced: ask until the server has processed it.
    for (let attempt = 0; attempt < 100 && (await names()).length > 1; attempt++) await delay(20);
    assert.deepEqual(await names(), ['shipping']);
  });
});
