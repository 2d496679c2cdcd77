import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Consumer, ConsumerConfig, ConsumerRunConfig, ConsumerSubscribeTopics, EachMessagePayload, Kafka, Producer, ProducerRecord, RecordMetadata } from 'kafkajs';
import { DocumentErrorsError } from '../../../src/core/codegen/generate';
import { kafkaTopicOf } from '../../../src/core/protocols/kafkaTopics';
import { EXAMPLES, validateFile } from '../helpers';
import { generateInto, strictTypeErrors, workspace } from './support';

/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-explicit-any */
// The generated module is imported at run time from a temp folder, so the test sees it untyped.
type Module = any;

/**
 * No Kafka broker runs in these tests. The generated KafkaTransport is exercised against a double of
 * kafkajs's API, typed from kafkajs's own declarations: it implements exactly the Producer and Consumer
 * members the adapter may use (any other call would throw) and records every call.
 */
class ProducerDouble implements Pick<Producer, 'connect' | 'disconnect' | 'send'> {
  readonly calls: string[] = [];
  readonly records: ProducerRecord[] = [];
  connect(): Promise<void> {
    this.calls.push('connect');
    return Promise.resolve();
  }
  disconnect(): Promise<void> {
    this.calls.push('disconnect');
    return Promise.resolve();
  }
  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    this.calls.push('send');
    this.records.push(record);
    return Promise.resolve([{ topicName: record.topic, partition: 0, errorCode: 0 }]);
  }
}

class ConsumerDouble implements Pick<Consumer, 'connect' | 'disconnect' | 'subscribe' | 'run'> {
  readonly calls: string[] = [];
  subscription: ConsumerSubscribeTopics | undefined;
  runConfig: ConsumerRunConfig | undefined;
  constructor(readonly config: ConsumerConfig) {}
  connect(): Promise<void> {
    this.calls.push('connect');
    return Promise.resolve();
  }
  disconnect(): Promise<void> {
    this.calls.push('disconnect');
    return Promise.resolve();
  }
  subscribe(subscription: ConsumerSubscribeTopics): Promise<void> {
    this.calls.push('subscribe');
    this.subscription = subscription;
    return Promise.resolve();
  }
  run(config?: ConsumerRunConfig): Promise<void> {
    this.calls.push('run');
    this.runConfig = config;
    return Promise.resolve();
  }

  /** Delivers a record as kafkajs does: headers and value as Buffers. */
  async deliver(topic: string, value: string, headers: Record<string, string>, key?: string): Promise<void> {
    const payload: EachMessagePayload = {
      topic,
      partition: 0,
      message: {
        key: key === undefined ? null : Buffer.from(key),
        value: Buffer.from(value),
        headers: Object.fromEntries(Object.entries(headers).map(([key, header]) => [key, Buffer.from(header)])),
        timestamp: '0',
        attributes: 0,
        offset: '0',
      },
      heartbeat: () => Promise.resolve(),
      pause: () => () => undefined,
    };
    await this.runConfig!.eachMessage!(payload);
  }
}

class KafkaDouble implements Pick<Kafka, 'producer' | 'consumer'> {
  readonly producers: ProducerDouble[] = [];
  readonly consumers: ConsumerDouble[] = [];
  producer(): Producer {
    const producer = new ProducerDouble();
    this.producers.push(producer);
    return producer as unknown as Producer;
  }
  consumer(config: ConsumerConfig): Consumer {
    const consumer = new ConsumerDouble(config);
    this.consumers.push(consumer);
    return consumer as unknown as Consumer;
  }
}

const ORDERS = path.join(EXAMPLES, 'orders/asyncapi.yaml');

describe('codegen: the Kafka adapter against the kafkajs API', () => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  let generated: Module;
  let orderPlaced: Record<string, unknown>;
  let paymentRequested: Record<string, unknown>;

  before(async () => {
    ws = await workspace();
    const out = path.join(ws.dir, 'client');
    const result = await generateInto(ORDERS, out, 'kafka');
    assert.equal(result.transport, 'kafka');
    generated = await import(path.join(out, 'index.ts'));
    const { model } = await validateFile(ORDERS);
    orderPlaced = { ...(model!.messages.find((message) => message.name === 'OrderPlaced')!.examples[0]!.payload as Record<string, unknown>), orderId: 'ORD-2026-000042' };
    paymentRequested = model!.messages.find((message) => message.name === 'PaymentRequested')!.examples[0]!.payload as Record<string, unknown>;
  });
  after(() => ws.dispose());

  it('produces to the topic the channel address maps to, with the payload as value and headers, and the key when one is given', async () => {
    const kafka = new KafkaDouble();
    const client = new generated.Client(new generated.KafkaTransport(kafka, 'orders-service'));
    const { correlationId } = await client.publishOrderPlaced(orderPlaced, { params: { orderId: 'ORD-2026-000042' } });
    await client.publishOrderPlaced(orderPlaced, { params: { orderId: 'ORD-2026-000042' }, key: 'ORD-2026-000042' });
    assert.equal(kafka.producers.length, 1, 'one producer, connected once, for every send');
    const producer = kafka.producers[0]!;
    assert.deepEqual(producer.calls, ['connect', 'send', 'send']);
    const [record] = producer.records;
    // "/" is illegal in a Kafka topic name: it maps to ".".
    assert.equal(record!.topic, 'shop.orders.ORD-2026-000042.placed');
    assert.match(record!.topic, /^[A-Za-z0-9._-]{1,249}$/);
    assert.equal(record!.messages.length, 1);
    const message = record!.messages[0]!;
    assert.deepEqual(JSON.parse(String(message.value)), orderPlaced);
    assert.equal(message.headers?.correlationId, correlationId);
    // Without a key Kafka picks the partition; with one, the key picks it, so one order's events keep their order.
    assert.equal(message.key, undefined);
    assert.equal(producer.records[1]!.messages[0]!.key, 'ORD-2026-000042');
    await client.close();
    assert.deepEqual(producer.calls.at(-1), 'disconnect');
  });

  it('consumes by topic pattern in its group, hands eachMessage records to the typed handler, invalid ones to onInvalid', async () => {
    const kafka = new KafkaDouble();
    const mirror = new generated.MirrorClient(new generated.KafkaTransport(kafka, 'mirror-group'));
    const handled: any[] = [];
    const invalid: any[] = [];
    let handledOne!: () => void;
    let invalidOne!: () => void;
    const handledSeen = new Promise<void>((resolve) => (handledOne = resolve));
    const invalidSeen = new Promise<void>((resolve) => (invalidOne = resolve));
    const subscription = await mirror.onOrderPlaced(
      (message: any) => {
        handled.push(message);
        handledOne();
      },
      {
        onInvalid: (refusal: any) => {
          invalid.push(refusal);
          invalidOne();
        },
      },
    );
    const consumer = kafka.consumers[0]!;
    assert.deepEqual(consumer.config, { groupId: 'mirror-group' });
    assert.deepEqual(consumer.calls, ['connect', 'subscribe', 'run']);
    const [topic] = consumer.subscription!.topics;
    assert.ok(topic instanceof RegExp, 'a parameterized address subscribes by pattern');
    assert.ok(topic.test('shop.orders.ORD-2026-000042.placed'));
    assert.ok(!topic.test('shop.orders.ORD-2026-000042.cancelled'));
    assert.ok(!topic.test('shop/orders/ORD-2026-000042/placed'), 'no topic has a "/"');
    assert.equal(consumer.subscription!.fromBeginning, false);

    const correlationId = randomUUID();
    await consumer.deliver('shop.orders.ORD-2026-000042.placed', JSON.stringify(orderPlaced), { correlationId });
    await handledSeen;
    assert.equal(handled.length, 1);
    assert.equal(handled[0].address, 'shop/orders/ORD-2026-000042/placed', 'the handler sees the document\'s address');
    assert.deepEqual(handled[0].payload, orderPlaced);
    assert.deepEqual(handled[0].params, { orderId: 'ORD-2026-000042' });
    assert.equal(handled[0].correlationId, correlationId);
    assert.equal(handled[0].key, undefined, 'a record without a key');

    const keyedSeen = new Promise<void>((resolve) => (handledOne = resolve));
    await consumer.deliver('shop.orders.ORD-2026-000042.placed', JSON.stringify(orderPlaced), { correlationId }, 'ORD-2026-000042');
    await keyedSeen;
    assert.equal(handled[1].key, 'ORD-2026-000042', 'the handler sees the Kafka key as text');

    await consumer.deliver('shop.orders.ORD-2026-000043.placed', JSON.stringify({ orderId: 'ORD-2026-000043' }), {});
    await invalidSeen;
    assert.equal(handled.length, 2);
    assert.equal(invalid.length, 1);
    assert.equal(invalid[0].operation, 'publishOrderPlaced');

    await subscription.unsubscribe();
    assert.equal(consumer.calls.at(-1), 'disconnect');
  });

  it("gives each requester's reply inbox a consumer group of its own, so no requester takes another's replies", async () => {
    const kafka = new KafkaDouble();
    const clients = [new generated.Client(new generated.KafkaTransport(kafka, 'orders-service')), new generated.Client(new generated.KafkaTransport(kafka, 'orders-service'))];
    for (const client of clients) void client.requestPayment(paymentRequested, {}).catch(() => undefined);
    while (kafka.consumers.length < 2 || kafka.consumers.some((consumer) => !consumer.subscription)) await new Promise((resolve) => setImmediate(resolve));
    const inboxGroups = kafka.consumers.map((consumer) => consumer.config.groupId);
    assert.equal(new Set(inboxGroups).size, 2, `inbox groups: ${inboxGroups.join(', ')}`);
    assert.ok(!inboxGroups.includes('orders-service'), 'an inbox is not in the service group that receive operations share');
    for (const consumer of kafka.consumers) assert.equal(consumer.subscription!.topics[0], 'shop.payments.replies');
    for (const client of clients) await client.close();
  });
  it('maps addresses to topics as the tap and the generator\'s collision check do', async () => {
    const adapter: Module = await import(path.join(ws.dir, 'client', 'kafkaTransport.ts'));
    for (const address of ['shop/orders/{orderId}/placed', 'user signed-up:v1', 'shop.orders', 'a/b/{x}-{y}/ü']) {
      assert.equal(adapter.topicOf(address), kafkaTopicOf(address), address);
    }
  });

  it("types and checks the key by the message's Kafka binding: a send with a key outside it fails, a received one goes to onInvalid", async () => {
    const document = path.join(ws.dir, 'keyed.yaml');
    await writeFile(
      document,
      [
        'asyncapi: 3.0.0',
        'info: { title: Keyed, version: 1.0.0 }',
        'channels:',
        '  orders:',
        '    address: shop/orders',
        '    messages:',
        '      placed:',
        '        payload: { type: object, required: [orderId], properties: { orderId: { type: string } } }',
        "        bindings: { kafka: { key: { type: string, pattern: '^ORD-[0-9]+$' } } }",
        '  regions:',
        '    address: shop/regions',
        '    messages:',
        '      moved:',
        '        payload: { type: object }',
        '        bindings: { kafka: { key: { type: string, enum: [eu, us] } } }',
        '  audit:',
        '    address: shop/audit',
        '    messages:',
        '      noted:',
        '        payload: { type: object }',
        '        bindings: { kafka: { key: { type: integer } } }',
        'operations:',
        "  sendPlaced: { action: send, channel: { $ref: '#/channels/orders' } }",
        "  sendMoved: { action: send, channel: { $ref: '#/channels/regions' } }",
        "  sendNoted: { action: send, channel: { $ref: '#/channels/audit' } }",
        '',
      ].join('\n'),
    );
    const out = path.join(ws.dir, 'keyed');
    await generateInto(document, out, 'kafka');
    const keyed: Module = await import(path.join(out, 'index.ts'));

    const kafka = new KafkaDouble();
    const client = new keyed.Client(new keyed.KafkaTransport(kafka, 'orders-service'));
    await client.publishPlaced({ orderId: 'o-1' }, { key: 'ORD-1' });
    await client.publishPlaced({ orderId: 'o-2' }, {});
    await assert.rejects(client.publishPlaced({ orderId: 'o-3' }, { key: 'order 3' }) as Promise<unknown>, (error: Error) => {
      assert.equal(error.name, 'MessageValidationError');
      assert.match(error.message, /PlacedKey must match pattern/);
      return true;
    });
    // A key schema that is not text (here an integer) neither types nor checks the key.
    await client.publishNoted({}, { key: 'anything' });
    const sent = kafka.producers[0]!.records.map((record) => record.messages[0]!.key);
    assert.deepEqual(sent, ['ORD-1', undefined, 'anything'], 'the refused send reached no producer');

    const mirror = new keyed.MirrorClient(new keyed.KafkaTransport(kafka, 'mirror-group'));
    const handled: { key?: string }[] = [];
    const invalid: { errors: string[] }[] = [];
    let settle!: () => void;
    await mirror.onPlaced((message: { key?: string }) => (handled.push(message), settle()), { onInvalid: (refusal: { errors: string[] }) => (invalid.push(refusal), settle()) });
    const consumer = kafka.consumers[0]!;
    for (const key of ['ORD-7', 'order 8', undefined]) {
      const seen = new Promise<void>((resolve) => (settle = resolve));
      await consumer.deliver('shop.orders', JSON.stringify({ orderId: 'o' }), {}, key);
      await seen;
    }
    assert.deepEqual(handled.map((message) => message.key), ['ORD-7', undefined]);
    assert.equal(invalid.length, 1);
    assert.match(invalid[0]!.errors.join(), /PlacedKey must match pattern/);
    await client.close();
    await mirror.close();

    await writeFile(
      path.join(ws.dir, 'keyedTypes.ts'),
      [
        "import type { Client, MirrorClient } from './keyed/index.js';",
        'declare const client: Client;',
        'declare const mirror: MirrorClient;',
        "void client.publishMoved({}, { key: 'eu' });",
        '// @ts-expect-error: the key schema allows only eu and us',
        "void client.publishMoved({}, { key: 'asia' });",
        "void client.publishNoted({}, { key: 'anything' });",
        "void mirror.onMoved((message) => { const region: 'eu' | 'us' | undefined = message.key; return void region; });",
        '',
      ].join('\n'),
    );
    const output = await strictTypeErrors(ws.dir, ['keyedTypes.ts']);
    assert.equal(output, '', output);
  });

  it('refuses a document whose channel addresses map to one topic, and generates it for MQTT', async () => {
    const document = path.join(ws.dir, 'colliding.yaml');
    await writeFile(
      document,
      [
        'asyncapi: 3.0.0',
        'info: { title: Colliding, version: 1.0.0 }',
        'channels:',
        '  slashed: { address: shop/orders, messages: { placed: { payload: { type: object } } } }',
        '  dotted: { address: shop.orders, messages: { placed: { payload: { type: object } } } }',
        'operations:',
        '  sendSlashed: { action: send, channel: { $ref: "#/channels/slashed" } }',
        '  sendDotted: { action: send, channel: { $ref: "#/channels/dotted" } }',
        '',
      ].join('\n'),
    );
    await assert.rejects(generateInto(document, path.join(ws.dir, 'colliding-kafka'), 'kafka'), (error: unknown) => {
      assert.ok(error instanceof DocumentErrorsError);
      assert.deepEqual(error.messages, ['channels "shop.orders" and "shop/orders" map to one Kafka topic ("shop.orders"), so a Kafka client would mix their messages']);
      return true;
    });
    assert.equal((await generateInto(document, path.join(ws.dir, 'colliding-mqtt'), 'mqtt')).transport, 'mqtt');
  });
});
