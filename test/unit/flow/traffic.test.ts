import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFlowGraph, type FlowGraph } from '../../../src/core/flow/graph';
import { FlowTrafficStats, RATE_WINDOW_MS } from '../../../src/core/flow/traffic';
import type { Delivery, TraceRecord } from '../../../src/core/trace/record';
import { EXAMPLE_FILES, flowDocument } from './support';

const T0 = 1_700_000_000_000;
let sequence = 0;

function record(overrides: Partial<TraceRecord>): TraceRecord {
  return {
    id: `r-${++sequence}`,
    time: T0,
    topic: 'shop/orders/ORD-1/placed',
    channel: 'shop/orders/{orderId}/placed',
    message: 'OrderPlaced',
    producer: 'orders-service-1',
    origin: 'mqtt',
    qos: 1,
    size: 100,
    validation: { valid: true, checked: true, errors: [] },
    disposition: 'delivered',
    correlation: {},
    deliveries: [],
    ...overrides,
  };
}

const delivery = (consumer: string, time = T0 + 5, outcome: Delivery['outcome'] = 'sent'): Delivery => ({ consumer, time, qos: 1, outcome });

async function examples(): Promise<FlowGraph> {
  return buildFlowGraph(await Promise.all(EXAMPLE_FILES.map(flowDocument)));
}

const PLACED = 'channel:shop/orders/{}/placed';

describe('live traffic on the system map', () => {
  it('matches client IDs to applications by name', async () => {
    const stats = new FlowTrafficStats(await examples());
    assert.equal(stats.applicationOf('orders-service-1'), 'app:Orders Service');
    assert.equal(stats.applicationOf('Orders Service'), 'app:Orders Service');
    assert.equal(stats.applicationOf('payments'), 'app:Payments Service');
    assert.equal(stats.applicationOf('inventory-worker-2'), 'app:Inventory Service');
    assert.equal(stats.applicationOf('fraud-detector'), undefined);
  });

  it('counts sends and deliveries on their edges, invalid ones apart, and a record seen again only once', async () => {
    const stats = new FlowTrafficStats(await examples());
    const placed = record({ deliveries: [delivery('payments-1'), delivery('inventory-1')] });
    stats.observe(placed);
    stats.observe(record({ validation: { valid: false, checked: true, errors: [{ part: 'payload', instancePath: '/orderId', message: 'must be string' }] }, deliveries: [delivery('payments-1')] }));
    // The journal brings the same record back with one more delivery: only that delivery is new.
    stats.observe({ ...placed, deliveries: [...placed.deliveries, delivery('notifications-1')] });
    const edges = new Map(stats.snapshot(T0 + 1000).edges.map((edge) => [edge.id, edge]));
    assert.deepEqual(edges.get(`app:Orders Service->${PLACED}`), { id: `app:Orders Service->${PLACED}`, count: 2, invalid: 1, rate: 2 / (RATE_WINDOW_MS / 1000), lastTime: T0 });
    assert.equal(edges.get(`${PLACED}->app:Payments Service`)?.count, 2);
    assert.equal(edges.get(`${PLACED}->app:Payments Service`)?.invalid, 1);
    assert.equal(edges.get(`${PLACED}->app:Inventory Service`)?.count, 1);
    assert.equal(edges.get(`${PLACED}->app:Notifications Service`)?.count, 1);
    assert.deepEqual(stats.snapshot(T0).undeclared, { applications: [], edges: [] });
  });

  it('lets the rate fall once events leave the window, while the count stays', async () => {
    const stats = new FlowTrafficStats(await examples());
    for (let n = 0; n < 5; n++) stats.observe(record({ time: T0 + n * 100 }));
    const id = `app:Orders Service->${PLACED}`;
    assert.equal(stats.snapshot(T0 + 500).edges.find((edge) => edge.id === id)?.rate, 0.5);
    const later = stats.snapshot(T0 + RATE_WINDOW_MS + 1000).edges.find((edge) => edge.id === id);
    assert.equal(later?.rate, 0);
    assert.equal(later?.count, 5);
  });

  it('attributes an anonymous HTTP publish to the only application that sends the message there', async () => {
    const stats = new FlowTrafficStats(await examples());
    stats.observe(record({ producer: 'http:127.0.0.1' }));
    stats.observe(record({ producer: 'eventscope:replay', origin: 'replay' }));
    const edges = stats.snapshot(T0).edges;
    assert.deepEqual(edges.map((edge) => [edge.id, edge.count]), [[`app:Orders Service->${PLACED}`, 1]]);
  });

  it('draws clients no document describes, and sends no operation declares, as undeclared', async () => {
    const stats = new FlowTrafficStats(await examples());
    stats.observe(record({ producer: 'fraud-detector', deliveries: [delivery('audit-logger')] }));
    // Payments receives from this channel but declares no send to it.
    stats.observe(record({ topic: 'shop/orders/ORD-2/placed', producer: 'payments-1' }));
    const { undeclared, edges } = stats.snapshot(T0);
    assert.deepEqual(undeclared.applications, [
      { id: 'client:audit-logger', label: 'audit-logger' },
      { id: 'client:fraud-detector', label: 'fraud-detector' },
    ]);
    assert.deepEqual(
      undeclared.edges.map((edge) => edge.id),
      [`app:Payments Service->${PLACED}`, `${PLACED}->client:audit-logger`, `client:fraud-detector->${PLACED}`],
    );
    assert.equal(edges.find((edge) => edge.id === `client:fraud-detector->${PLACED}`)?.count, 1);
  });

  it('counts dead letters on the channel they were meant for', async () => {
    const stats = new FlowTrafficStats(await examples());
    stats.observe(record({ disposition: 'dead-lettered', validation: { valid: false, checked: true, errors: [] } }));
    const redelivered = record({ deliveries: [delivery('inventory-1'), delivery('inventory-1', T0 + 9, 'dead-lettered')] });
    stats.observe(redelivered);
    stats.observe(redelivered);
    // A topic no document declares has no node to count on.
    stats.observe(record({ topic: 'nowhere', channel: undefined }));
    assert.deepEqual(stats.snapshot(T0).deadLetters, [{ id: PLACED, count: 2 }]);
  });
});
