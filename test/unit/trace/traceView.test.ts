import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { timeline } from '../../../src/core/trace/chain';
import type { TraceRecord } from '../../../src/core/trace/record';
import { schemaLocation } from '../../../src/core/trace/schemaLocation';
import { sequenceOf } from '../../../src/core/trace/sequence';
import { isHostToView, isViewToHost, NO_FILTERS, rowMatches, type TraceRow } from '../../../src/shared/traceProtocol';

const ROOT_FILE = path.resolve('/docs/api.yaml');
const COMMON_FILE = path.resolve('/docs/common.yaml');
const FILES = new Map([
  [
    ROOT_FILE,
    `asyncapi: 3.0.0
info: { title: T, version: 1.0.0 }
channels:
  orders:
    address: orders
    messages:
      OrderPlaced:
        payload:
          $ref: './common.yaml#/components/schemas/Order'
`,
  ],
  [
    COMMON_FILE,
    `components:
  schemas:
    Order:
      type: object
      required: [orderId]
      properties:
        orderId:
          type: string
          minLength: 3
`,
  ],
]);
const read = (file: string): string | undefined => FILES.get(file);

describe('schema location of a validation error', () => {
  it('follows a $ref into another file and lands on the failing keyword', () => {
    const location = schemaLocation(ROOT_FILE, ['channels', 'orders', 'messages', 'OrderPlaced', 'payload', 'properties', 'orderId', 'minLength'], read);
    assert.equal(location?.file, COMMON_FILE);
    assert.deepEqual(location?.path, ['components', 'schemas', 'Order', 'properties', 'orderId', 'minLength']);
    assert.deepEqual(location?.range.start, { line: 8, character: 21 });
  });

  it('stops at the deepest part that exists', () => {
    const location = schemaLocation(ROOT_FILE, ['channels', 'orders', 'messages', 'Nope', 'payload'], read);
    assert.equal(location?.file, ROOT_FILE);
    assert.deepEqual(location?.path, ['channels', 'orders', 'messages']);
  });

  it('gives up on an unreadable document', () => {
    assert.equal(schemaLocation('/nowhere.yaml', ['a'], read), undefined);
  });
});

function record(id: string, time: number, producer: string, consumers: string[], overrides: Partial<TraceRecord> = {}): TraceRecord {
  return {
    id,
    time,
    topic: `t/${id}`,
    producer,
    origin: 'mqtt',
    qos: 1,
    size: 10,
    validation: { valid: true, checked: true, errors: [] },
    disposition: 'delivered',
    correlation: { correlationId: 'c1' },
    deliveries: consumers.map((consumer) => ({ consumer, time: time + 1, qos: 1, outcome: 'sent' as const })),
    ...overrides,
  };
}

describe('sequence diagram of a chain', () => {
  it('has one lifeline per service and one arrow per delivery, with the time between steps', () => {
    const steps = timeline([
      record('b', 1010, 'payments', ['orders'], { message: 'PaymentCompleted' }),
      record('a', 1000, 'orders', ['payments', 'audit'], { message: 'OrderPlaced' }),
      record('c', 1030, 'orders', [], { message: 'OrderConfirmed', channel: 'shop/confirmed', validation: { valid: false, checked: true, errors: [] } }),
    ]);
    const diagram = sequenceOf(steps);
    assert.deepEqual(diagram.participants, ['orders', 'payments', 'audit', 'shop/confirmed']);
    assert.deepEqual(
      diagram.arrows.map((arrow) => [arrow.recordId, arrow.from, arrow.to, arrow.label, arrow.sincePrevious, arrow.valid, arrow.undelivered]),
      [
        ['a', 0, 1, 'OrderPlaced', undefined, true, false],
        ['a', 0, 2, 'OrderPlaced', undefined, true, false],
        ['b', 1, 0, 'PaymentCompleted', 10, true, false],
        ['c', 0, 3, 'OrderConfirmed', 20, false, true],
      ],
    );
  });
});

describe('trace view protocol', () => {
  it('accepts well-formed messages and rejects everything else', () => {
    assert.ok(isViewToHost({ type: 'ready' }));
    assert.ok(isViewToHost({ type: 'openError', id: 'x', index: 1 }));
    assert.ok(!isViewToHost({ type: 'openError', id: 'x', index: '1' }));
    assert.ok(!isViewToHost({ type: 'toString' }));
    assert.ok(!isViewToHost({ type: '__proto__' }));
    assert.ok(!isViewToHost(null));
    assert.ok(!isViewToHost('ready'));
    assert.ok(isHostToView({ type: 'append', rows: [] }));
    assert.ok(!isHostToView({ type: 'append', rows: null }));
  });

  it('filters rows by channel, message, client (producer or consumer), correlation and validity', () => {
    const row: TraceRow = { id: '1', time: 0, topic: 'shop/orders/1/placed', channel: 'shop/orders/{id}/placed', message: 'OrderPlaced', producer: 'orders', consumers: ['billing'], valid: false, disposition: 'delivered', correlation: 'abc-123', size: 1, duplicate: false };
    assert.ok(rowMatches(row, NO_FILTERS));
    assert.ok(rowMatches(row, { ...NO_FILTERS, channel: 'ORDERS/1' }));
    assert.ok(rowMatches(row, { ...NO_FILTERS, client: 'bill' }));
    assert.ok(rowMatches(row, { ...NO_FILTERS, correlation: 'abc', validity: 'invalid' }));
    assert.ok(!rowMatches(row, { ...NO_FILTERS, validity: 'valid' }));
    assert.ok(!rowMatches(row, { ...NO_FILTERS, message: 'Payment' }));
    assert.ok(!rowMatches(row, { ...NO_FILTERS, client: 'shipping' }));
  });
});
