import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LoadedDocument } from '../../../src/core/broker';
import { connect, envelope, example, loadShop, nextMessages, ProcessClient, startBroker, untilTrace, type RunningBroker } from './fixtures';

const PLACED = 'shop/orders/ORD-2025-004217/placed';
const REQUESTS = 'shop/payments/requests';

let documents: LoadedDocument[];
let running: RunningBroker;
const clients: ProcessClient[] = [];

/** Each pattern's clients run in processes of their own, as services would. */
async function client(options: Parameters<typeof ProcessClient.connect>[1] = {}, behaviour: Parameters<typeof ProcessClient.connect>[2] = {}): Promise<ProcessClient> {
  const connected = await ProcessClient.connect(running.mqttUrl, options, behaviour);
  clients.push(connected);
  return connected;
}

function orderPlaced(orderId = 'ORD-2025-004217', messageId?: string): string {
  const { headers, payload } = example(documents, 'OrderPlaced');
  return envelope(messageId ? { ...headers, messageId } : headers, { ...payload, orderId });
}

before(async () => {
  documents = await loadShop();
  running = await startBroker({ maxDeliveries: 2 });
});

after(async () => {
  await Promise.all(clients.map((connected) => connected.endAsync(true)));
  await running.close();
});

describe('broker patterns with real MQTT clients in their own processes', () => {
  it('fans one event out to every subscriber and traces each delivery', async () => {
    const subscribers = await Promise.all([client(), client(), client()]);
    await Promise.all(subscribers.map((subscriber) => subscriber.subscribeAsync('shop/orders/+/placed', { qos: 1 })));
    const received = Promise.all(subscribers.map((subscriber) => nextMessages(subscriber, 1)));
    const producer = await client({ clientId: 'orders-service' });
    await producer.publishAsync(PLACED, orderPlaced(), { qos: 1 });
    for (const [message] of await received) assert.equal((message?.body.payload as { orderId: string }).orderId, 'ORD-2025-004217');
    const record = running.trace.records().at(-1);
    assert.ok(record);
    await untilTrace(running.trace, () => record.deliveries.length === 3);
    assert.equal(record.message, 'OrderPlaced');
    assert.equal(record.channel, 'shop/orders/{orderId}/placed');
    assert.deepEqual(record.params, { orderId: 'ORD-2025-004217' });
    assert.equal(record.producer, 'orders-service');
    const sent = JSON.parse(orderPlaced()) as { headers: unknown; payload: unknown };
    assert.deepEqual([record.headers, record.payload], [sent.headers, sent.payload]);
    assert.equal(record.validation.valid, true);
    assert.equal(record.correlation.correlationId, '6f1c2b0e-8a4d-4e57-9b3a-2d7c5e9f1a04');
    assert.equal(record.correlation.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.deepEqual(new Set(record.deliveries.map((delivery) => delivery.consumer)), new Set(subscribers.map((subscriber) => subscriber.options.clientId)));
  });

  it('gives each message of a $share group to exactly one member, while a plain subscriber sees all', async () => {
    const workers = await Promise.all([client(), client(), client()]);
    const counts = new Map<string, number>();
    for (const worker of workers) {
      await worker.subscribeAsync('$share/inventory/shop/orders/+/placed', { qos: 1 });
      await worker.subscribeAsync('test/sentinel', { qos: 1 });
      worker.on('message', (topic) => {
        if (topic !== 'test/sentinel') counts.set(worker.options.clientId ?? '', (counts.get(worker.options.clientId ?? '') ?? 0) + 1);
      });
    }
    const observer = await client();
    await observer.subscribeAsync('shop/orders/+/placed', { qos: 1 });
    const observed = nextMessages(observer, 30);
    const producer = await client();
    for (let n = 0; n < 30; n++) await producer.publishAsync(`shop/orders/ORD-2025-${String(n).padStart(6, '0')}/placed`, orderPlaced(`ORD-2025-${String(n).padStart(6, '0')}`), { qos: 1 });
    assert.equal((await observed).length, 30);
    // Deliveries to one client keep their order, so once every worker has the sentinel it has all its share.
    const sentinels = workers.map((worker) => nextMessages(worker, 1));
    await producer.publishAsync('test/sentinel', '{}', { qos: 1 });
    await Promise.all(sentinels);
    const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
    assert.equal(total, 30, `each message to one member, got ${JSON.stringify([...counts])}`);
    assert.ok(counts.size >= 2, 'the group spreads messages over its members');
  });

  it('redelivers an unacknowledged QoS 1 message to a consumer that reconnects', async () => {
    const first = await client({ clientId: 'billing', clean: false }, { holdAcks: true });
    await first.subscribeAsync(REQUESTS, { qos: 1 });
    const delivered = nextMessages(first, 1);
    const { headers, payload } = example(documents, 'PaymentRequested');
    const producer = await client();
    await producer.publishAsync(REQUESTS, envelope(headers, payload), { qos: 1 });
    await delivered;
    await first.endAsync(true);
    const second = await client({ clientId: 'billing', clean: false });
    const [again] = await nextMessages(second, 1);
    assert.deepEqual(again?.body.payload, payload);
    const record = running.trace.records().find((candidate) => candidate.message === 'PaymentRequested');
    assert.ok(record);
    await untilTrace(running.trace, () => record.deliveries.some((delivery) => delivery.outcome === 'acked'));
    assert.deepEqual(
      record.deliveries.map((delivery) => [delivery.consumer, delivery.outcome, delivery.attempt]),
      [['billing', 'sent', 1], ['billing', 'sent', 2], ['billing', 'acked', undefined]],
    );
    await second.unsubscribeAsync(REQUESTS);
  });

  it('dead-letters a message after the configured failed deliveries and redrives it', async () => {
    const dlqWatcher = await client();
    await dlqWatcher.subscribeAsync('$dlq/#', { qos: 1 });
    const deadLettered = nextMessages(dlqWatcher, 1);
    const topic = 'shop/orders/ORD-2025-000777/cancelled';
    const { headers, payload } = example(documents, 'OrderCancelled');
    const body = envelope(headers, { ...payload, orderId: 'ORD-2025-000777' });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const flaky = await client({ clientId: 'flaky-worker', clean: false }, { holdAcks: true });
      const delivered = nextMessages(flaky, 1);
      if (attempt === 1) {
        await flaky.subscribeAsync(topic, { qos: 1 });
        const producer = await client();
        await producer.publishAsync(topic, body, { qos: 1 });
      }
      await delivered;
      await flaky.endAsync(true);
    }
    // The third connection finds the message over its limit: it goes to the dead-letter topic instead.
    const flaky = await client({ clientId: 'flaky-worker', clean: false });
    const [letter] = await deadLettered;
    assert.equal(letter?.topic, `$dlq/${topic}`);
    await flaky.unsubscribeAsync(topic);
    await flaky.endAsync(true);
    const [dead] = running.broker.deadLetters().filter((candidate) => candidate.topic === topic);
    assert.ok(dead);
    assert.match(dead.reason, /not acknowledged by flaky-worker after 2 deliveries/);

    const healthy = await client();
    await healthy.subscribeAsync(topic, { qos: 1 });
    const redriven = nextMessages(healthy, 1);
    const outcome = await running.broker.redrive(dead.id);
    assert.equal(outcome?.delivered, true);
    assert.equal(outcome?.record.origin, 'redrive');
    assert.equal(outcome?.record.replayOf, dead.recordId);
    assert.deepEqual((await redriven)[0]?.body, JSON.parse(body));
    assert.equal(running.broker.deadLetters().some((candidate) => candidate.id === dead.id), false);
  });

  it('replays recorded events to a consumer under test', async () => {
    const producer = await client();
    const topics = ['shop/orders/ORD-2025-000101/placed', 'shop/orders/ORD-2025-000102/placed'];
    for (const [index, topic] of topics.entries()) await producer.publishAsync(topic, orderPlaced(`ORD-2025-00010${index + 1}`), { qos: 1 });
    const originals = running.trace.records().filter((record) => topics.includes(record.topic));
    assert.equal(originals.length, 2);

    const underTest = await client();
    await underTest.subscribeAsync('replay/orders', { qos: 1 });
    const received = nextMessages(underTest, 2);
    const replayed = await running.broker.replay(originals, { topic: 'replay/orders' });
    assert.deepEqual(replayed.map((record) => record.replayOf), originals.map((record) => record.id));
    assert.ok(replayed.every((record) => record.origin === 'replay'));
    assert.deepEqual(
      (await received).map((message) => (message.body.payload as { orderId: string }).orderId),
      ['ORD-2025-000101', 'ORD-2025-000102'],
    );
  });

  it('flags a message ID seen twice as a duplicate and still delivers it', async () => {
    const consumer = await client();
    await consumer.subscribeAsync('shop/orders/ORD-2025-000200/placed', { qos: 1 });
    const received = nextMessages(consumer, 2);
    const producer = await client();
    const body = orderPlaced('ORD-2025-000200', 'msg-0001');
    await producer.publishAsync('shop/orders/ORD-2025-000200/placed', body, { qos: 1 });
    await producer.publishAsync('shop/orders/ORD-2025-000200/placed', body, { qos: 1 });
    assert.equal((await received).length, 2);
    const [first, second] = running.trace.records().filter((record) => record.correlation.messageId === 'msg-0001');
    assert.ok(first && second);
    assert.equal(first.duplicateOf, undefined);
    assert.equal(second.duplicateOf, first.id);
  });

  it('links an event to the one its producer was handling, across a request and its reply', async () => {
    const payments = await client({ clientId: 'payments-service' });
    await payments.subscribeAsync(REQUESTS, { qos: 1 });
    const request = example(documents, 'PaymentRequested');
    const reply = example(documents, 'PaymentCompleted');
    const correlationId = '0b0e7d6a-1111-4c1d-9a55-000000000001';
    const handled = new Promise<void>((resolve) =>
      payments.once('message', () => {
        void payments.publishAsync('shop/payments/replies', envelope({ ...reply.headers, correlationId }, reply.payload), { qos: 1 }).then(() => resolve());
      }),
    );
    const orders = await client({ clientId: 'orders-chain' });
    await orders.publishAsync(REQUESTS, envelope({ ...request.headers, correlationId }, request.payload), { qos: 1 });
    await handled;
    const [cause, effect] = running.trace.records().filter((record) => record.correlation.correlationId === correlationId);
    assert.equal(cause?.message, 'PaymentRequested');
    assert.equal(effect?.message, 'PaymentCompleted');
    assert.equal(effect?.causedBy, cause?.id);
  });
});

describe('invalid-message policies', () => {
  const invalid = (): string => {
    const { headers, payload } = example(documents, 'OrderPlaced');
    delete payload.customer;
    return envelope(headers, payload);
  };

  for (const policy of ['pass', 'reject', 'dlq'] as const) {
    it(`${policy}: ${policy === 'pass' ? 'delivers and marks' : policy === 'reject' ? 'keeps the message from its channel' : 'delivers to $dlq/<address> instead'}`, async () => {
      const own = await startBroker({ onInvalid: policy });
      try {
        const consumer = await connect(own.mqttUrl);
        await consumer.subscribeAsync(['shop/#', 'nowhere/#', '$dlq/#'], { qos: 1 });
        // A valid message after the invalid one: the consumer receives in order, so it tells what came before.
        const expected = { pass: 3, reject: 1, dlq: 3 }[policy];
        const received = nextMessages(consumer, expected);
        const producer = await connect(own.mqttUrl);
        await producer.publishAsync(PLACED, invalid(), { qos: 1 });
        await producer.publishAsync('nowhere/declared', '{"x":1}', { qos: 1 });
        await producer.publishAsync(PLACED, orderPlaced(), { qos: 1 });
        const topics = (await received).map((message) => message.topic);
        if (policy === 'pass') assert.deepEqual(topics, [PLACED, 'nowhere/declared', PLACED]);
        if (policy === 'reject') assert.deepEqual(topics, [PLACED]);
        if (policy === 'dlq') assert.deepEqual(topics, [`$dlq/${PLACED}`, '$dlq/nowhere/declared', PLACED]);
        const [bad, unknown, good] = own.trace.records();
        assert.equal(bad?.validation.valid, false);
        assert.ok(bad?.validation.errors.some((error) => error.part === 'payload' && error.message.includes("'customer'")));
        assert.deepEqual(bad?.validation.errors[0]?.schemaPath?.slice(0, 2), ['channels', 'orderPlaced']);
        assert.equal(bad?.disposition, { pass: 'delivered', reject: 'rejected', dlq: 'dead-lettered' }[policy]);
        assert.equal(unknown?.validation.errors[0]?.part, 'channel');
        assert.equal(good?.validation.valid, true);
        assert.equal(own.broker.deadLetters().length, policy === 'dlq' ? 2 : 0);
        await Promise.all([consumer.endAsync(), producer.endAsync()]);
      } finally {
        await own.close();
      }
    });
  }
});

describe('HTTP publish', () => {
  it('takes curl-style JSON with headers as HTTP headers, answers 422 with the errors under reject', async () => {
    const own = await startBroker({ onInvalid: 'reject', maxMessageBytes: 4096 });
    try {
      const consumer = await connect(own.mqttUrl);
      await consumer.subscribeAsync('shop/payments/replies', { qos: 1 });
      const received = nextMessages(consumer, 1);
      const { headers, payload } = example(documents, 'PaymentFailed');
      const post = (body: string, extra: Record<string, string> = {}): Promise<Response> =>
        fetch(`${own.httpUrl}/publish/shop/payments/replies`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', correlationid: String(headers.correlationId), ...extra },
          body,
        });

      const accepted = await post(JSON.stringify(payload));
      assert.equal(accepted.status, 202);
      const summary = (await accepted.json()) as { message: string; valid: boolean };
      assert.deepEqual([summary.message, summary.valid], ['PaymentFailed', true]);
      const [message] = await received;
      // The HTTP header comes back in its declared spelling, inside the envelope MQTT consumers read.
      assert.deepEqual(message?.body, { headers: { correlationId: headers.correlationId }, payload });

      const rejected = await post(JSON.stringify({ ...payload, reason: 42 }));
      assert.equal(rejected.status, 422);
      const failure = (await rejected.json()) as { disposition: string; errors: { part: string; instancePath: string }[] };
      assert.equal(failure.disposition, 'rejected');
      assert.ok(failure.errors.some((error) => error.part === 'payload' && error.instancePath === '/reason'));

      const oversized = await post(JSON.stringify({ ...payload, padding: 'x'.repeat(5000) }));
      assert.equal(oversized.status, 413);
      assert.match(((await oversized.json()) as { error: string }).error, /exceeds the limit of 4096 bytes/);

      const notJson = await fetch(`${own.httpUrl}/publish/shop/%2B/x`, { method: 'POST', body: '{}' });
      assert.equal(notJson.status, 400);
      await consumer.endAsync();
    } finally {
      await own.close();
    }
  });

  it('asks for the credentials when the broker has a username and password', async () => {
    const own = await startBroker({ username: 'dev', password: 'secret' });
    try {
      const denied = await fetch(`${own.httpUrl}/publish/x`, { method: 'POST', body: '{}' });
      assert.equal(denied.status, 401);
      const allowed = await fetch(`${own.httpUrl}/publish/x`, { method: 'POST', body: '{}', headers: { authorization: `Basic ${Buffer.from('dev:secret').toString('base64')}` } });
      assert.equal(allowed.status, 202);
      await assert.rejects(connect(own.mqttUrl, { username: 'dev', password: 'wrong' }));
      const ok = await connect(own.mqttUrl, { username: 'dev', password: 'secret' });
      await ok.endAsync();
    } finally {
      await own.close();
    }
  });
});
