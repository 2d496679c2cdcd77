import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import mqtt from 'mqtt';
import { parseJournal } from '../../../src/core/trace/journal';
import { ROOT } from '../helpers';
import { MOSQUITTO, startMosquitto, type BrokerProcess } from '../support/brokers';
import { INVALID_ORDER, order, SHOP, tempDir } from './support';

const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

interface AttachProcess {
  child: ChildProcess;
  ready: string;
  /** The next `count` lines of stdout after those already taken; none is lost while nobody waits. */
  nextLines(count: number): Promise<string[]>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

async function spawnAttach(args: string[]): Promise<AttachProcess> {
  const child = spawn(process.execPath, ['--import', TSX, path.join(ROOT, 'src/cli/main.ts'), 'trace', 'attach', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const pending: string[] = [];
  let waiter: (() => void) | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    pending.push(line);
    waiter?.();
  });
  const nextLines = async (count: number): Promise<string[]> => {
    while (pending.length < count) {
      const more = new Promise<void>((resolve) => (waiter = resolve));
      const ended = await Promise.race([more.then(() => false), exited.then(() => true)]);
      if (ended && pending.length < count) throw new Error(`attach exited after ${pending.length} lines: ${stderr}`);
    }
    return pending.splice(0, count);
  };
  const ready = await nextLines(1).then(
    ([line]) => line!,
    (error: Error) => error.message,
  );
  return { child, ready, nextLines, exited, stderr: () => stderr };
}

/** Resolves once the journal holds `count` events, read again on each change to the file. */
function journalHas(file: string, count: number): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(file, () => void check());
    const check = async (): Promise<void> => {
      const { records } = parseJournal(await readFile(file, 'utf8'));
      if (records.length < count) return;
      watcher.close();
      resolve();
    };
    void check();
  });
}

describe('eventscope trace attach', { skip: existsSync(MOSQUITTO) ? false : `${MOSQUITTO} is not installed` }, () => {
  let temp: Awaited<ReturnType<typeof tempDir>>;
  let broker: BrokerProcess;
  let publisher: mqtt.MqttClient;

  before(async () => {
    temp = await tempDir();
    broker = await startMosquitto(temp.dir);
    publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { protocolVersion: 5, reconnectPeriod: 0 });
  });
  after(async () => {
    await publisher.endAsync(true);
    await broker.stop();
    await temp.dispose();
  });

  it('prints ready, one line per event on stdout, and exits 0 on SIGINT', async () => {
    const attach = await spawnAttach([SHOP, '--server', 'mqtt', '--var', `port=${broker.port}`, '--var', 'host=localhost']);
    assert.match(attach.ready, new RegExp(`^ready server=mqtt protocol=mqtt host=localhost:${broker.port} subscriptions=1 skipped=0$`), attach.stderr());
    const events = attach.nextLines(2);
    await publisher.publishAsync('shop/orders/ORD-1/placed', JSON.stringify(order(1)), { qos: 1 });
    await publisher.publishAsync('shop/orders/ORD-2/placed', JSON.stringify(INVALID_ORDER), { qos: 1 });
    const [valid, invalid] = await events;
    assert.match(valid!, /shop\/orders\/ORD-1\/placed OrderPlaced valid$/);
    assert.match(invalid!, /shop\/orders\/ORD-2\/placed OrderPlaced invalid: .*payload\/total must be number/);
    attach.child.kill('SIGINT');
    assert.deepEqual(await attach.exited, { code: 0, signal: null });
  });

  it('appends to the --out journal, with status lines on stdout', async () => {
    const journal = path.join(temp.dir, 'tap.jsonl');
    const attach = await spawnAttach([SHOP, '--server', 'mqtt', '--var', `port=${broker.port}`, '--out', journal]);
    assert.match(attach.ready, /^ready server=mqtt /, attach.stderr());
    assert.equal((await attach.nextLines(1))[0], 'status connected messages=0 invalid=0 attempts=0 reconnects=0');
    for (let index = 0; index < 5; index++) await publisher.publishAsync(`shop/orders/ORD-${index}/placed`, JSON.stringify(order(index)), { qos: 1 });
    await journalHas(journal, 5);
    attach.child.kill('SIGINT');
    assert.deepEqual(await attach.exited, { code: 0, signal: null });
    const { sessions, records } = parseJournal(await readFile(journal, 'utf8'));
    assert.deepEqual(sessions[0]?.documents, [SHOP]);
    assert.deepEqual(
      records.map((record) => [record.origin, record.disposition, record.message, record.validation.valid]),
      Array.from({ length: 5 }, () => ['tap', 'observed', 'OrderPlaced', true]),
    );
  });

  it('exits 1 with the reason when the broker cannot be reached', async () => {
    // The broker's port once it has stopped: nothing listens there.
    const stopped = await startMosquitto(temp.dir);
    await stopped.stop();
    const unreachable = await spawnAttach([SHOP, '--server', 'mqtt', '--var', `port=${stopped.port}`]);
    assert.deepEqual(await unreachable.exited, { code: 1, signal: null });
    assert.match(unreachable.stderr(), /cannot attach to server "mqtt": .*ECONNREFUSED/);
  });
});
