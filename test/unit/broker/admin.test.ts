import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { MqttClient } from 'mqtt';
import type { LoadedDocument } from '../../../src/core/broker';
import { startAdminServer, type AdminServer } from '../../../src/core/broker/admin';
import { BrokerAdminClient } from '../../../src/core/broker/adminClient';
import { ADMIN_TOKEN_ENV } from '../../../src/core/broker/adminTypes';
import { ROOT } from '../helpers';
import { connect, envelope, example, loadShop, nextMessages, ORDERS_FILE, startBroker, untilTrace, type RunningBroker } from './fixtures';

const TOKEN = 'test-admin-token-0123456789abcdef';
const PLACED = 'shop/orders/ORD-2025-004217/placed';
/** A declared topic: the broker runs with the dlq policy, so an undeclared one would be dead-lettered. */
const REPLAY_TOPIC = 'shop/orders/ORD-2025-004999/placed';

let documents: LoadedDocument[];
let running: RunningBroker;
let admin: AdminServer;
let client: BrokerAdminClient;
const clients: MqttClient[] = [];

async function mqttClient(clientId: string): Promise<MqttClient> {
  const connected = await connect(running.mqttUrl, { clientId });
  clients.push(connected);
  return connected;
}

function publishHttp(topic: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${running.httpUrl}/publish/${topic}`, { method: 'POST', headers, body: JSON.stringify(body) });
}

before(async () => {
  documents = await loadShop();
  running = await startBroker({ onInvalid: 'dlq' });
  admin = await startAdminServer({ broker: running.broker, trace: running.trace, token: TOKEN, documents: () => documents });
  client = new BrokerAdminClient(admin.port, TOKEN);
});

after(async () => {
  await Promise.all(clients.map((connected) => connected.endAsync(true)));
  await admin.close();
  await running.close();
});

describe('broker admin API', () => {
  it('refuses requests without the token or with a wrong one', async () => {
    const base = `http://127.0.0.1:${admin.port}/admin/stats`;
    assert.equal((await fetch(base)).status, 401);
    assert.equal((await fetch(base, { headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` } })).status, 401);
    await assert.rejects(new BrokerAdminClient(admin.port, 'wrong-token-wrong-token').stats(), /401/);
    assert.equal((await fetch(base, { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
  });

  it('reports connected clients, and messages, invalid count and consumers per channel', async () => {
    const consumer = await mqttClient('stats-consumer');
    await consumer.subscribeAsync('shop/orders/+/placed', { qos: 1 });
    const received = nextMessages(consumer, 1);
    const { headers, payload } = example(documents, 'OrderPlaced');
    const producer = await mqttClient('stats-producer');
    await producer.publishAsync(PLACED, envelope(headers, payload), { qos: 1 });
    await received;
    const record = running.trace.records().at(-1);
    assert.ok(record);
    await untilTrace(running.trace, () => record.deliveries.length > 0);

    const stats = await client.stats();
    assert.ok(stats.clients.includes('stats-consumer') && stats.clients.includes('stats-producer'), stats.clients.join());
    const placed = stats.channels.find((channel) => channel.channel === 'shop/orders/{orderId}/placed');
    assert.ok(placed);
    assert.equal(placed.declared, true);
    assert.equal(placed.messages, 1);
    assert.equal(placed.invalid, 0);
    assert.deepEqual(placed.consumers, ['stats-consumer']);
    // Declared channels show up before any traffic.
    assert.ok(stats.channels.some((channel) => channel.declared && channel.messages === 0));
  });

  it('lists dead letters, redrives one (checked again on the way), and deletes another', async () => {
    const topic = 'shop/orders/ORD-2025-000777/placed';
    const first = await publishHttp(topic, { orderId: 'ORD-2025-000777' });
    assert.equal(((await first.json()) as { disposition: string }).disposition, 'dead-lettered');
    await publishHttp(topic, { orderId: 'ORD-2025-000778' });

    const letters = (await client.deadLetters()).filter((letter) => letter.topic === topic);
    assert.equal(letters.length, 2);
    const [toRedrive, toDelete] = letters;
    assert.ok(toRedrive && toDelete);
    assert.match(toRedrive.reason, /required|must/);
    assert.match(toRedrive.body, /ORD-2025-000777/);

    const outcome = await client.redrive(toRedrive.id);
    assert.equal(outcome.replayOf, toRedrive.recordId);
    // Still invalid, so the dlq policy sends it to the dead-letter topic again rather than the channel.
    assert.equal(outcome.disposition, 'dead-lettered');
    assert.equal(running.trace.get(outcome.id)?.origin, 'redrive');

    assert.deepEqual(await client.deleteDeadLetter(toDelete.id), { deleted: toDelete.id });
    await assert.rejects(client.deleteDeadLetter(toDelete.id), /404/);
    await assert.rejects(client.redrive(toDelete.id), /404/);
    const remaining = (await client.deadLetters()).map((letter) => letter.id);
    assert.ok(!remaining.includes(toDelete.id) && !remaining.includes(toRedrive.id));
    // The redriven message is dead-lettered anew, under a new ID.
    assert.ok(remaining.length > 0 && (await client.deadLetters()).some((letter) => letter.recordId === outcome.id));
  });

  it('replays a recorded event to another topic, and a whole correlation chain', async () => {
    const { headers, payload } = example(documents, 'OrderPlaced');
    const response = await publishHttp(PLACED, payload, Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)])));
    const { id } = (await response.json()) as { id: string };
    const consumer = await mqttClient('replay-consumer');
    await consumer.subscribeAsync(REPLAY_TOPIC, { qos: 1 });
    const received = nextMessages(consumer, 1);
    const result = await client.replay({ ids: [id, 'no-such-record'], topic: REPLAY_TOPIC });
    assert.deepEqual(result.missing, ['no-such-record']);
    assert.equal(result.replayed.length, 1);
    assert.equal(result.replayed[0]?.replayOf, id);
    const [message] = await received;
    assert.deepEqual((message?.body.payload as { orderId: string }).orderId, payload.orderId);

    const correlation = running.trace.get(id)?.correlation.correlationId;
    assert.ok(correlation);
    const chain = await client.replay({ correlation, topic: REPLAY_TOPIC });
    assert.ok(chain.replayed.length >= 1);
    assert.ok(chain.replayed.every((summary) => summary.replayOf !== undefined));
  });

  it('answers 400 to a malformed replay request and 404 to an unknown endpoint', async () => {
    const call = (method: string, url: string, body?: string): Promise<Response> =>
      fetch(`http://127.0.0.1:${admin.port}${url}`, { method, headers: { authorization: `Bearer ${TOKEN}` }, body });
    assert.equal((await call('POST', '/admin/replay', '{"ids":[1]}')).status, 400);
    assert.equal((await call('POST', '/admin/replay', 'not json')).status, 400);
    assert.equal((await call('POST', '/admin/replay', '{"ids":["x"],"topic":"a/#"}')).status, 400);
    assert.equal((await call('GET', '/admin/nothing')).status, 404);
  });
});

describe('eventscope broker --admin-port', () => {
  const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
  const cli = (env: NodeJS.ProcessEnv) =>
    spawn(process.execPath, ['--import', TSX, path.join(ROOT, 'src/cli/main.ts'), 'broker', ORDERS_FILE, '--mqtt-port', '0', '--ws-port', '0', '--http-port', '0', '--admin-port', '0'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  it('prints the admin port on the ready line and serves stats with the token from the environment', async () => {
    const child = cli({ [ADMIN_TOKEN_ENV]: TOKEN });
    const exited = once(child, 'exit');
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const match = /^ready mqtt=\d+ ws=\d+ http=\d+ admin=(\d+)$/.exec(line);
    assert.ok(match, line);
    const stats = await new BrokerAdminClient(Number(match[1]), TOKEN).stats();
    assert.ok(stats.channels.some((channel) => channel.channel === 'shop/orders/{orderId}/placed'));
    child.kill('SIGTERM');
    assert.deepEqual(await exited, [0, null]);
  });

  it('refuses to start the admin API without a token', async () => {
    const child = cli({ [ADMIN_TOKEN_ENV]: '' });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 2);
    assert.match(stderr, /EVENTSCOPE_ADMIN_TOKEN/);
  });
});
