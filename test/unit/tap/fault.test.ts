import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { connect as natsConnect } from 'nats';
import { attachTap } from '../../../src/core/tap';
import { TraceStore } from '../../../src/core/trace/store';
import { MOSQUITTO, NATS_SERVER, startMosquitto, startNatsServer, type BrokerProcess } from '../support/brokers';
import { order, shopDocuments, status, tempDir, traced } from './support';

/** Short waits between attempts, so the test does not sit out a production backoff. */
const BACKOFF = { initialMs: 50, maxMs: 200 };

describe('tap fault: the broker process stops mid-stream and comes back', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  before(async () => (temp = await tempDir()));
  after(() => temp.dispose());

  it('mosquitto: reconnects with backoff, marks the gap in the trace, and traces what follows', { skip: existsSync(MOSQUITTO) ? false : `${MOSQUITTO} is not installed` }, async () => {
    let broker: BrokerProcess = await startMosquitto(temp.dir);
    const { port } = broker;
    const publish = async (from: number, to: number): Promise<void> => {
      const publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { protocolVersion: 5, reconnectPeriod: 0 });
      for (let index = from; index < to; index++) await publisher.publishAsync(`shop/orders/ORD-${index}/placed`, JSON.stringify(order(index)), { qos: 1 });
      await publisher.endAsync();
    };
    const trace = new TraceStore();
    const { session } = await attachTap({ documents: await shopDocuments(), server: 'mqtt', variables: { port: String(port) }, trace, backoff: BACKOFF });
    try {
      await publish(0, 10);
      await traced(trace, (records) => records.length === 10);

      await broker.stop();
      const lost = await status(session, (current) => current.state === 'reconnecting');
      assert.equal(lost.reconnects, 1);
      // Let at least one attempt fail against the closed port before the broker returns.
      await status(session, (current) => current.attempts >= 2);
      broker = await startMosquitto(temp.dir, { port });
      await status(session, (current) => current.state === 'connected');

      await publish(10, 20);
      const records = await traced(trace, (all) => all.filter((record) => record.disposition === 'observed').length === 20);
      const gapIndex = records.findIndex((record) => record.disposition === 'gap');
      assert.equal(gapIndex, 10, 'the gap sits between the messages before the stop and those after the restart');
      const gap = records[gapIndex]!;
      assert.equal(gap.topic, '$gap/mqtt');
      assert.ok(gap.gap!.attempts >= 2, `attempts: ${gap.gap!.attempts}`);
      assert.ok(gap.gap!.from <= gap.gap!.to);
      assert.ok(records[gapIndex - 1]!.time <= gap.gap!.from && gap.gap!.to <= records[gapIndex + 1]!.time);
      assert.deepEqual(
        records.filter((record) => record.disposition === 'observed').map((record) => record.params?.orderId),
        Array.from({ length: 20 }, (_, index) => `ORD-${index}`),
      );
      assert.ok(records.every((record) => record.validation.valid));
    } finally {
      await session.detach();
      await broker.stop();
    }
  });

  it('nats-server: reconnects and marks the gap too', { skip: existsSync(NATS_SERVER) ? false : `${NATS_SERVER} is not installed` }, async () => {
    let broker = await startNatsServer();
    const { port } = broker;
    const publish = async (from: number, to: number): Promise<void> => {
      const publisher = await natsConnect({ servers: `127.0.0.1:${port}` });
      for (let index = from; index < to; index++) publisher.publish(`shop.orders.ORD-${index}.placed`, JSON.stringify(order(index)));
      await publisher.drain();
    };
    const trace = new TraceStore();
    const { session } = await attachTap({ documents: await shopDocuments(), server: 'nats', variables: { port: String(port) }, trace, backoff: BACKOFF });
    try {
      await publish(0, 5);
      await traced(trace, (records) => records.length === 5);
      await broker.stop();
      await status(session, (current) => current.state === 'reconnecting');
      broker = await startNatsServer(port);
      await status(session, (current) => current.state === 'connected');
      await publish(5, 10);
      const records = await traced(trace, (all) => all.filter((record) => record.disposition === 'observed').length === 10);
      assert.deepEqual(
        records.map((record) => record.disposition),
        [...Array<string>(5).fill('observed'), 'gap', ...Array<string>(5).fill('observed')],
      );
    } finally {
      await session.detach();
      await broker.stop();
    }
  });
});
