import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as connectTcp, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { MqttClient } from 'mqtt';
import { connect, nextMessages, startBroker, untilTrace, type RunningBroker } from './fixtures';

const MAX_BYTES = 16 * 1024;
let running: RunningBroker;

before(async () => {
  running = await startBroker({ maxMessageBytes: MAX_BYTES, maxUnreadBytes: 1024 * 1024 });
});
after(() => running.close());

/** MQTT 3.1.1 packets by hand, so a test can speak the protocol badly or stop reading. */
const utf8 = (text: string): Buffer => Buffer.concat([Buffer.from([text.length >> 8, text.length & 0xff]), Buffer.from(text)]);
const packet = (type: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([type, body.length]), body]);
const connectPacket = (clientId: string): Buffer => packet(0x10, Buffer.concat([utf8('MQTT'), Buffer.from([4, 2, 0, 60]), utf8(clientId)]));
const subscribePacket = (topic: string): Buffer => packet(0x82, Buffer.concat([Buffer.from([0, 1]), utf8(topic), Buffer.from([0])]));

async function rawSocket(): Promise<Socket> {
  const socket = connectTcp(running.ports.mqtt ?? 0, '127.0.0.1');
  await once(socket, 'connect');
  return socket;
}

async function stillServes(): Promise<void> {
  const client = await connect(running.mqttUrl);
  await client.subscribeAsync('health/check');
  const received = nextMessages(client, 1);
  await client.publishAsync('health/check', '{"ok":true}');
  assert.deepEqual((await received)[0]?.body, { ok: true });
  await client.endAsync();
}

describe('broker reliability', () => {
  it('drops connections that send malformed packets and keeps serving', async () => {
    for (const bytes of [
      Buffer.from([0x00, 0x00]), // reserved packet type
      Buffer.from([0xf0, 0x00]), // AUTH, which MQTT 3.1.1 does not have
      Buffer.from([0x10, 0x00]), // an empty CONNECT
      packet(0x10, Buffer.concat([utf8('XQTT'), Buffer.from([4, 2, 0, 60]), utf8('x')])), // wrong protocol name
    ]) {
      const garbage = await rawSocket();
      garbage.on('error', () => undefined);
      garbage.write(bytes);
      await once(garbage, 'close');
    }

    // A valid CONNECT, then a PUBLISH whose remaining length never ends.
    const broken = await rawSocket();
    broken.on('error', () => undefined);
    broken.write(connectPacket('broken-client'));
    broken.write(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0xff]));
    await once(broken, 'close');

    // A CONNECT for an unknown protocol level.
    const wrongLevel = await rawSocket();
    wrongLevel.on('error', () => undefined);
    wrongLevel.write(packet(0x10, Buffer.concat([utf8('MQTT'), Buffer.from([42, 2, 0, 60]), utf8('x')])));
    await once(wrongLevel, 'close');
    await stillServes();
  });

  it('refuses a message over the size limit with the reason in the trace, and delivers the next one', async () => {
    const consumer = await connect(running.mqttUrl);
    await consumer.subscribeAsync('uploads/#', { qos: 1 });
    const received = nextMessages(consumer, 1);
    const producer = await connect(running.mqttUrl, { clientId: 'uploader' });
    await producer.publishAsync('uploads/big', JSON.stringify({ data: 'x'.repeat(MAX_BYTES) }), { qos: 1 });
    await producer.publishAsync('uploads/small', '{"data":"x"}', { qos: 1 });
    assert.equal((await received)[0]?.topic, 'uploads/small');
    const refused = running.trace.records().find((record) => record.topic === 'uploads/big');
    assert.equal(refused?.disposition, 'refused');
    assert.equal(refused?.producer, 'uploader');
    assert.match(refused?.validation.errors[0]?.message ?? '', new RegExp(`exceeds the limit of ${MAX_BYTES} bytes`));
    assert.equal(refused?.payload, undefined, 'an oversized body is not kept');

    // A packet that announces 100 MB is not buffered: the connection closes on its header.
    const greedy = await rawSocket();
    greedy.on('error', () => undefined);
    greedy.write(connectPacket('greedy'));
    greedy.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x30, 0x00, 0x01, 0x61]));
    await once(greedy, 'close');
    await stillServes();
    await Promise.all([consumer.endAsync(), producer.endAsync()]);
  });

  it('serves 1,000 concurrent clients', async () => {
    const clients: MqttClient[] = [];
    for (let batch = 0; batch < 10; batch++) {
      clients.push(...(await Promise.all(Array.from({ length: 100 }, () => connect(running.mqttUrl)))));
    }
    await Promise.all(clients.map((client) => client.subscribeAsync('load/broadcast')));
    assert.ok(running.broker.connectedClients().length >= 1000);
    const received = Promise.all(clients.map((client) => nextMessages(client, 1)));
    const producer = await connect(running.mqttUrl);
    await producer.publishAsync('load/broadcast', '{"n":1}');
    assert.equal((await received).length, 1000);
    // Each of them publishes too: 1,000 producers at once, every event traced.
    const before = running.trace.records().length;
    await Promise.all(clients.map((client, index) => client.publishAsync(`load/from/${index}`, `{"n":${index}}`, { qos: 1 })));
    assert.equal(running.trace.records().length - before, 1000);
    await Promise.all([...clients, producer].map((client) => client.endAsync(true)));
  });

  it('keeps delivering to others while one consumer stops reading, and cuts that one off', async () => {
    const cutOff = new Promise<void>((resolve) => {
      let connected = false;
      const listener = running.broker.onClientsChanged((clients) => {
        const now = clients.includes('stalled-consumer');
        if (connected && !now) {
          listener.dispose();
          resolve();
        }
        connected = now;
      });
    });
    const stalled = await rawSocket();
    stalled.on('error', () => undefined);
    stalled.write(connectPacket('stalled-consumer'));
    stalled.write(subscribePacket('bulk/#'));
    // Wait for CONNACK and SUBACK, then never read again.
    let acks = Buffer.alloc(0);
    while (acks.length < 9) acks = Buffer.concat([acks, (await once(stalled, 'data'))[0] as Buffer]);
    stalled.pause();

    const healthy = await connect(running.mqttUrl);
    await healthy.subscribeAsync('bulk/#');
    const count = 400;
    const received = nextMessages(healthy, count);
    const producer = await connect(running.mqttUrl);
    const chunk = 'y'.repeat(MAX_BYTES - 100);
    for (let n = 0; n < count; n++) producer.publish('bulk/data', JSON.stringify({ n, chunk }));
    const messages = await received;
    assert.deepEqual(messages.map((message) => message.body.n), Array.from({ length: count }, (_, n) => n));
    await untilTrace(running.trace, () => running.trace.records().filter((record) => record.topic === 'bulk/data').length === count);
    await cutOff;
    await stillServes();
    stalled.destroy();
    await Promise.all([healthy.endAsync(), producer.endAsync()]);
  });
});
