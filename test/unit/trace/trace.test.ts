import assert from 'node:assert/strict';
import { mkdtempSync, appendFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { chainOf } from '../../../src/core/trace/chain';
import { toMermaid, toOtlp } from '../../../src/core/trace/export';
import { bodyJson, decodeBody } from '../../../src/core/broker/envelope';
import { Journal, JournalFollower, eventLine, parseJournal, readJournal } from '../../../src/core/trace/journal';
import { BodyBackedRecord, correlationKeys, readLocation, type TraceRecord } from '../../../src/core/trace/record';
import { BoundedMap } from '../../../src/core/trace/ring';
import { TraceStore } from '../../../src/core/trace/store';

function event(store: TraceStore, fields: Partial<TraceRecord> & { producer: string }): TraceRecord {
  return store.add({
    id: store.nextId(),
    time: Date.now(),
    topic: 'shop/x',
    origin: 'mqtt',
    qos: 1,
    size: 10,
    validation: { valid: true, checked: true, errors: [] },
    disposition: 'delivered',
    correlation: {},
    deliveries: [],
    ...fields,
  });
}

describe('correlation keys', () => {
  it('reads the correlationId location, W3C traceparent, CloudEvents headers and a message ID', () => {
    const keys = correlationKeys(
      { correlationId: 'c-1', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'ce-id': 'e-9', 'ce-source': '/orders', 'ce-type': 'shop.order.placed' },
      { order: { id: 'o-1' } },
      '$message.header#/correlationId',
    );
    assert.deepEqual(keys, {
      correlationId: 'c-1',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      cloudEvents: { id: 'e-9', source: '/orders', type: 'shop.order.placed' },
      messageId: '/orders#e-9',
    });
  });

  it('reads payload locations with escaped pointers, and a structured CloudEvent', () => {
    assert.equal(readLocation('$message.payload#/a~1b/c', {}, { 'a/b': { c: 7 } }), 7);
    assert.equal(readLocation('$message.payload#/missing/deeper', {}, {}), undefined);
    const keys = correlationKeys({}, { specversion: '1.0', id: 'x', source: 's', type: 't', data: {} }, '$message.payload#/data/none');
    assert.deepEqual(keys, { cloudEvents: { id: 'x', source: 's', type: 't' }, messageId: 's#x' });
    assert.deepEqual(correlationKeys({ traceparent: 'not-a-traceparent' }, null), {});
  });
});

describe('trace store', () => {
  it('links an event to the one its producer had just received with the same correlation, and orders the chain', () => {
    const store = new TraceStore();
    const placed = event(store, { producer: 'orders', message: 'OrderPlaced', correlation: { correlationId: 'flow-1' }, time: 1000 });
    store.addDelivery(placed.id, { consumer: 'payments', time: 1001, qos: 1, outcome: 'sent' });
    const requested = event(store, { producer: 'payments', message: 'PaymentRequested', correlation: { correlationId: 'flow-1' }, time: 1010 });
    store.addDelivery(requested.id, { consumer: 'psp', time: 1011, qos: 1, outcome: 'sent' });
    const completed = event(store, { producer: 'psp', message: 'PaymentCompleted', correlation: { correlationId: 'flow-1' }, time: 1100 });
    const unrelated = event(store, { producer: 'psp', message: 'Other', correlation: { correlationId: 'flow-2' }, time: 1200 });
    assert.equal(requested.causedBy, placed.id);
    assert.equal(completed.causedBy, requested.id);
    assert.equal(unrelated.causedBy, undefined);
    const chain = chainOf(store.records(), 'flow-1');
    assert.deepEqual(chain.map((step) => [step.record.message, step.sinceCause]), [['OrderPlaced', undefined], ['PaymentRequested', 10], ['PaymentCompleted', 90]]);
  });

  it('links by trace ID too, to the latest event of the flow its producer received', () => {
    const store = new TraceStore();
    const first = event(store, { producer: 'orders', correlation: { traceId: 't-1' } });
    store.addDelivery(first.id, { consumer: 'shipping', time: 1, qos: 0, outcome: 'sent' });
    const second = event(store, { producer: 'billing', correlation: { correlationId: 'other', traceId: 't-1' } });
    store.addDelivery(second.id, { consumer: 'shipping', time: 2, qos: 0, outcome: 'sent' });
    // Acknowledged is not received again: the handled event stays the one last sent.
    store.addDelivery(first.id, { consumer: 'shipping', time: 3, qos: 1, outcome: 'acked' });
    const shipped = event(store, { producer: 'shipping', correlation: { traceId: 't-1' } });
    const elsewhere = event(store, { producer: 'billing', correlation: { traceId: 't-1' } });
    assert.equal(shipped.causedBy, second.id);
    assert.equal(elsewhere.causedBy, undefined, 'billing received nothing of the flow');
  });

  it('flags a repeated message ID but not a replay of it', () => {
    const store = new TraceStore();
    const first = event(store, { producer: 'a', correlation: { messageId: 'm' } });
    const again = event(store, { producer: 'b', correlation: { messageId: 'm' } });
    const replayed = event(store, { producer: 'eventscope:replay', origin: 'replay', correlation: { messageId: 'm' } });
    assert.equal(again.duplicateOf, first.id);
    assert.equal(replayed.duplicateOf, undefined);
  });

  it('keeps a million records within the ring bound', () => {
    const store = new TraceStore({ capacity: 1000, duplicateWindow: 1000 });
    let first: TraceRecord | undefined;
    for (let n = 0; n < 1_000_000; n++) {
      const added = event(store, { producer: 'p', correlation: { messageId: `m${n}` } });
      first ??= added;
    }
    assert.equal(store.size, 1000);
    assert.equal(store.records().length, 1000);
    assert.equal(store.get(first?.id ?? ''), undefined, 'the oldest record is gone from the index too');
    assert.equal(store.records().at(-1)?.correlation.messageId, 'm999999');
  });
});

describe('bounded map', () => {
  it('forgets the oldest keys beyond its limit, and an update keeps its place', () => {
    const map = new BoundedMap<string, number>(3);
    map.set('a', 1).set('b', 2).set('c', 3).set('a', 10);
    map.set('d', 4);
    assert.equal(map.get('a'), undefined, 'a was the oldest insertion, updating it did not move it');
    assert.deepEqual(['b', 'c', 'd'].map((key) => map.get(key)), [2, 3, 4]);
    assert.equal(map.size, 3);
  });

  it('keeps a key deleted and set again when the slot it first took is reused', () => {
    const map = new BoundedMap<string, number>(4);
    map.set('a', 1).set('b', 2);
    assert.equal(map.delete('a'), true);
    assert.equal(map.delete('a'), false);
    assert.equal(map.get('a'), undefined);
    map.set('a', 3).set('c', 4);
    map.set('d', 5); // takes the slot 'a' first had
    assert.equal(map.get('a'), 3);
    assert.equal(map.size, 4);
    map.set('e', 6);
    assert.equal(map.get('b'), undefined, 'b is the oldest insertion left');
    assert.deepEqual(['a', 'c', 'd', 'e'].map((key) => map.get(key)), [3, 4, 5, 6]);
  });
});

describe('body-backed records', () => {
  const fields = { id: 'e-1', time: 1, topic: 't', producer: 'p', origin: 'mqtt', qos: 0, size: 0, validation: { valid: true, checked: true, errors: [] }, disposition: 'delivered', correlation: {}, deliveries: [] } satisfies Omit<TraceRecord, 'headers' | 'payload'>;

  it('reads headers and payload from an envelope or a bare payload, and serializes them', () => {
    const envelope = new BodyBackedRecord(fields, Buffer.from('{"headers":{"h":"é"},"payload":{"a":[1]}}'), true);
    assert.deepEqual([envelope.headers, envelope.payload], [{ h: 'é' }, { a: [1] }]);
    assert.deepEqual(JSON.parse(JSON.stringify(envelope)), { ...fields, headers: { h: 'é' }, payload: { a: [1] } });
    const bare = new BodyBackedRecord(fields, Buffer.from('[1,2]'), false);
    assert.equal(bare.headers, undefined);
    assert.deepEqual(bare.payload, [1, 2]);
    const emptyHeaders = new BodyBackedRecord(fields, Buffer.from('{"headers":{},"payload":3}'), true);
    assert.deepEqual([emptyHeaders.headers, emptyHeaders.payload], [undefined, 3]);
  });

  it('keeps a value assigned before the body was read', () => {
    const record = new BodyBackedRecord(fields, Buffer.from('{"headers":{"h":1},"payload":{"a":1}}'), true);
    record.payload = { b: 2 };
    assert.deepEqual([record.headers, record.payload], [{ h: 1 }, { b: 2 }]);
    record.headers = undefined;
    assert.equal(JSON.stringify(record).includes('"headers"'), false);
  });
});

describe('journal', () => {
  it('writes sessions, events and deliveries as JSONL and reads them back past a torn last line', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'eventscope-journal-')), 'trace.jsonl');
    const store = new TraceStore({ journalFile: file, documents: ['a.yaml'] });
    const record = event(store, { producer: 'orders', payload: { a: 1 } });
    store.addDelivery(record.id, { consumer: 'c', time: 1, qos: 1, outcome: 'sent' });
    await new Promise<void>((resolve) => store.whenWritten(resolve));
    // Written before the broker goes on, without waiting for close.
    assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 3);
    store.close();
    appendFileSync(file, '{"kind":"event","id":"torn');
    const contents = await readJournal(file);
    assert.equal(contents.sessions[0]?.documents[0], 'a.yaml');
    assert.equal(contents.skipped, 1);
    assert.deepEqual(contents.records[0]?.payload, { a: 1 });
    assert.deepEqual(contents.records[0]?.deliveries.map((delivery) => delivery.consumer), ['c']);
    assert.equal(parseJournal('').records.length, 0);
  });
});

describe('journal lines', () => {
  // `satisfies Required<...>`: a field added to TraceRecord fails to compile here until the line writer is checked for it.
  const full = {
    id: 'e-1',
    time: 1700000000123,
    topic: 'shop/orders/"1"/placed',
    channel: 'shop/orders/{orderId}/placed',
    params: { orderId: '"1"' },
    message: 'OrderPlaced',
    document: 'C:\\docs\\orders.yaml',
    producer: 'svc\u2028"a"',
    origin: 'replay',
    replayOf: 'e-0',
    qos: 1,
    size: 42,
    headers: { correlationId: 'k', 'ce-id': 'x' },
    payload: { orderId: '"1"', lines: [{ sku: 'é€😀', quantity: 2 }] },
    payloadIsText: false,
    validation: { valid: false, checked: true, errors: [{ part: 'payload', instancePath: '/a', message: 'must be "string"', schemaPath: ['x', 'y'] }] },
    disposition: 'rejected',
    correlation: { correlationId: 'k', traceId: 't', parentSpanId: 'p', cloudEvents: { id: 'x', source: 's', type: 'y' }, messageId: 'm' },
    duplicateOf: 'e-0',
    causedBy: 'e-00',
    gap: { from: 1, to: 2, reason: 'connection closed', attempts: 3 },
    deliveries: [{ consumer: 'c', time: 1, qos: 1, outcome: 'acked', attempt: 2 }],
  } satisfies Required<TraceRecord>;

  it('writes every field of a record so that it reads back equal', () => {
    assert.deepEqual(JSON.parse(eventLine(full)), { kind: 'event', ...full });
    const bare: TraceRecord = { id: 'e-2', time: 1, topic: 't', producer: 'p', origin: 'mqtt', qos: 0, size: 0, validation: { valid: true, checked: true, errors: [] }, disposition: 'delivered', correlation: {}, deliveries: [] };
    assert.deepEqual(JSON.parse(eventLine(bare)), { kind: 'event', ...bare });
  });

  it('takes headers and payload from the body text as sent, on one line', () => {
    const envelope = ' {"payload": {"b":[1, 2]},\t"headers":{"h":"v"}} ';
    const record: TraceRecord = { ...full, headers: { h: 'v' }, payload: { b: [1, 2] } };
    delete record.payloadIsText;
    const line = eventLine(record, envelope.trim());
    assert.deepEqual(JSON.parse(line), { kind: 'event', ...record });
    assert.ok(!line.includes('\n'));
  });

  it('copies the body bytes as sent into the journal, an envelope or a bare payload', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'eventscope-bytes-')), 'trace.jsonl');
    const journal = new Journal(file, { id: 's', started: 1, documents: [] });
    const base: TraceRecord = { ...full, headers: { h: 'v' }, payload: { b: [1, 2], s: 'é€😀' } };
    delete base.payloadIsText;
    const envelope = { ...base, id: 'e-envelope' };
    const bare = { ...base, id: 'e-bare', headers: undefined };
    const envelopeBytes = Buffer.from(' \t{"payload": {"b":[1, 2],"s":"é€😀"},\t"headers":{"h":"v"}}\r ');
    const bareBytes = Buffer.from('{"b":[1, 2],"s":"é€😀"}');
    assert.deepEqual(bodyJson(envelopeBytes, decodeBody(envelopeBytes)), { bytes: envelopeBytes.subarray(2, -2), payloadOnly: false });
    assert.deepEqual(bodyJson(bareBytes, decodeBody(bareBytes)), { bytes: bareBytes, payloadOnly: true });
    assert.equal(bodyJson(Buffer.from('{"a":\n1}'), decodeBody(Buffer.from('{"a":\n1}'))), undefined, 'a newline would break the line');
    journal.appendEvent(envelope, bodyJson(envelopeBytes, decodeBody(envelopeBytes)));
    journal.appendEvent(bare, bodyJson(bareBytes, decodeBody(bareBytes)));
    journal.close();
    const { records, skipped } = await readJournal(file);
    assert.equal(skipped, 0);
    assert.deepEqual(records, [envelope, { ...bare, headers: undefined }].map((record) => JSON.parse(JSON.stringify(record)) as TraceRecord));
  });
});

describe('journal follower', () => {
  it('returns only the lines appended since the last read, holding back a line still being written', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'eventscope-follow-')), 'trace.jsonl');
    const store = new TraceStore({ journalFile: file });
    const follower = new JournalFollower(file);
    const first = event(store, { producer: 'a' });
    store.flush();
    assert.deepEqual((await follower.read()).events.map((record) => record.id), [first.id]);
    const line = JSON.stringify({ kind: 'event', ...first, id: 'later' });
    appendFileSync(file, line.slice(0, 20));
    assert.equal((await follower.read()).events.length, 0);
    appendFileSync(file, `${line.slice(20)}\n`);
    assert.deepEqual((await follower.read()).events.map((record) => record.id), ['later']);
    store.close();
  });
});

describe('exports', () => {
  const store = new TraceStore();
  const request = event(store, { producer: 'orders', message: 'PaymentRequested', topic: 'shop/payments/requests', channel: 'shop/payments/requests', correlation: { correlationId: 'k' }, time: 1000 });
  store.addDelivery(request.id, { consumer: 'payments', time: 1002, qos: 1, outcome: 'sent' });
  const reply = event(store, {
    producer: 'payments',
    message: 'Pay"ment<script>',
    topic: 'shop/payments/replies',
    correlation: { correlationId: 'k' },
    time: 1050,
    validation: { valid: false, checked: true, errors: [{ part: 'payload', instancePath: '/a', message: 'must be string' }] },
  });

  it('OTLP: producer and consumer spans by the messaging conventions, one trace per correlation, linked causes', () => {
    const { resourceSpans } = toOtlp(store.records()) as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
    const spans = resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)) as {
      kind: number; traceId: string; spanId: string; parentSpanId?: string; links: { spanId: string }[]; status: { code: number }; attributes: { key: string; value: { stringValue?: string } }[]; startTimeUnixNano: string;
    }[];
    assert.deepEqual(resourceSpans.map((resource) => resource.resource.attributes[0]?.value.stringValue), ['orders', 'payments']);
    assert.deepEqual(spans.map((span) => span.kind), [4, 5, 4]);
    assert.equal(new Set(spans.map((span) => span.traceId)).size, 1);
    const [send, process, replySend] = spans;
    assert.equal(process?.parentSpanId, send?.spanId);
    assert.equal(replySend?.parentSpanId, process?.spanId);
    assert.deepEqual(replySend?.links.map((link) => link.spanId), [send?.spanId]);
    assert.equal(replySend?.status.code, 2);
    assert.equal(send?.startTimeUnixNano, '1000000000');
    const attribute = (key: string): string | undefined => send?.attributes.find((entry) => entry.key === key)?.value.stringValue;
    assert.equal(attribute('messaging.destination.name'), 'shop/payments/requests');
    assert.equal(attribute('messaging.operation.type'), 'send');
    assert.equal(attribute('messaging.message.conversation_id'), 'k');
    assert.equal(reply.causedBy, request.id);
  });

  it('Mermaid: one arrow per delivery, timings, and no text that could change the diagram', () => {
    const diagram = toMermaid(chainOf(store.records(), 'k'));
    const lines = diagram.split('\n');
    assert.equal(lines[0], 'sequenceDiagram');
    assert.ok(lines.includes('  p1-)p2: PaymentRequested on shop/payments/requests'));
    assert.ok(lines.some((line) => line.includes('+50 ms after PaymentRequested')));
    assert.doesNotMatch(diagram, /<script>|"/);
  });
});
