import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parseJournal } from '../../../src/core/trace/journal';
import { ROOT } from '../helpers';
import { connect, nextMessages, ORDERS_FILE, spawnBrokerCli } from './fixtures';

const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const work = mkdtempSync(path.join(tmpdir(), 'eventscope-broker-'));
const FREE_PORTS = ['--mqtt-port', '0', '--ws-port', '0', '--http-port', '0'];

describe('eventscope broker in its own process', () => {
  it('keeps every acknowledged event in the journal through a kill -9, and appends after a restart', async () => {
    const journal = path.join(work, 'killed.jsonl');
    const broker = await spawnBrokerCli([ORDERS_FILE, ...FREE_PORTS, '--trace', journal]);
    const watcher = await connect(`mqtt://127.0.0.1:${broker.ports.mqtt}`);
    await watcher.subscribeAsync('shop/#', { qos: 1 });
    const firstDelivery = nextMessages(watcher, 1);

    const publisher = spawn(process.execPath, ['--import', TSX, path.join(__dirname, 'publisherProcess.ts'), `mqtt://127.0.0.1:${broker.ports.mqtt}`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked: string[] = [];
    const publisherDone = once(publisher, 'exit');
    for await (const line of createInterface({ input: publisher.stdout })) {
      acked.push(line.replace(/^acked /, ''));
      // Kill while messages are in flight, not at a quiet moment.
      if (acked.length === 300) broker.child.kill('SIGKILL');
    }
    await publisherDone;
    assert.equal((await broker.exited).signal, 'SIGKILL');
    await firstDelivery;
    await watcher.endAsync(true);
    assert.ok(acked.length >= 300);

    const { records, sessions } = parseJournal(await readFile(journal, 'utf8'));
    const journaled = new Set(records.map((record) => record.correlation.messageId));
    const missing = acked.filter((id) => !journaled.has(id));
    assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged events missing from the journal`);
    assert.equal(sessions.length, 1);

    const restarted = await spawnBrokerCli([ORDERS_FILE, ...FREE_PORTS, '--trace', journal, '--on-invalid', 'reject']);
    const response = await fetch(`http://127.0.0.1:${restarted.ports.http}/publish/shop/orders/ORD-2025-999999/placed`, {
      method: 'POST',
      headers: { messageid: 'after-restart' },
      body: '{"orderId":"ORD-2025-999999"}',
    });
    assert.equal(response.status, 422);
    restarted.child.kill('SIGTERM');
    assert.deepEqual(await restarted.exited, { code: 0, signal: null });
    const reopened = parseJournal(await readFile(journal, 'utf8'));
    assert.equal(reopened.sessions.length, 2);
    const last = reopened.records.at(-1);
    assert.equal(last?.correlation.messageId, 'after-restart');
    assert.equal(last?.disposition, 'rejected');
  });

  it('exports a journal as OTLP spans and as a Mermaid diagram of one correlation chain', async () => {
    const journal = path.join(work, 'chain.jsonl');
    const broker = await spawnBrokerCli([ORDERS_FILE, ...FREE_PORTS, '--trace', journal]);
    const url = `mqtt://127.0.0.1:${broker.ports.mqtt}`;
    const payments = await connect(url, { clientId: 'payments' });
    await payments.subscribeAsync('shop/payments/requests', { qos: 1 });
    const orders = await connect(url, { clientId: 'orders' });
    await orders.subscribeAsync('shop/payments/replies', { qos: 1 });
    const correlationId = '9d7c1e52-6b0a-4f0e-8d52-3f1c9a7e2b10';
    const replied = nextMessages(orders, 1);
    payments.once('message', () => {
      void payments.publishAsync('shop/payments/replies', JSON.stringify({ headers: { correlationId }, payload: { status: '<img src=x onerror=alert(1)>' } }), { qos: 1 });
    });
    await orders.publishAsync('shop/payments/requests', JSON.stringify({ headers: { correlationId }, payload: { orderId: 'ORD-2025-000001' } }), { qos: 1 });
    await replied;
    await Promise.all([payments.endAsync(), orders.endAsync()]);
    broker.child.kill('SIGINT');
    assert.equal((await broker.exited).code, 0);

    const run = promisify(execFile);
    const cli = (args: string[]): Promise<{ stdout: string }> => run(process.execPath, ['--import', TSX, path.join(ROOT, 'src/cli/main.ts'), 'trace', 'export', journal, ...args]);
    const otlp = JSON.parse((await cli(['--format', 'otlp', '--correlation', correlationId])).stdout) as {
      resourceSpans: { resource: { attributes: { value: { stringValue: string } }[] }; scopeSpans: { spans: { kind: number; traceId: string; links: unknown[]; name: string }[] }[] }[];
    };
    const spans = otlp.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
    assert.deepEqual(spans.map((span) => span.kind).sort(), [4, 4, 5, 5]);
    assert.equal(new Set(spans.map((span) => span.traceId)).size, 1, 'one correlation chain, one trace');
    assert.ok(spans.some((span) => span.name === 'send shop/payments/replies' && span.links.length === 1));

    const mermaid = (await cli(['--format', 'mermaid', '--correlation', correlationId])).stdout;
    assert.match(mermaid, /^sequenceDiagram/);
    assert.match(mermaid, /participant p\d as orders/);
    assert.match(mermaid, /PaymentRequested on shop\/payments\/requests/);
    assert.doesNotMatch(mermaid, /<img/);
    await assert.rejects(cli(['--format', 'mermaid', '--correlation', 'no-such-flow']), (error: { code: number }) => error.code === 1);
  });

  it('recompiles the contract when a document changes on disk', async () => {
    const file = path.join(work, 'sensors.yaml');
    const document = (type: string): string =>
      `asyncapi: 3.0.0\ninfo:\n  title: Sensors\n  version: 1.0.0\nchannels:\n  temperature:\n    address: sensors/temperature\n    messages:\n      Reading:\n        payload:\n          type: object\n          properties:\n            celsius:\n              type: ${type}\n`;
    writeFileSync(file, document('number'));
    const broker = await spawnBrokerCli([file, ...FREE_PORTS, '--verbose']);
    const publish = async (): Promise<boolean> => {
      const response = await fetch(`http://127.0.0.1:${broker.ports.http}/publish/sensors/temperature`, { method: 'POST', body: '{"celsius":"hot"}' });
      return ((await response.json()) as { valid: boolean }).valid;
    };
    assert.equal(await publish(), false);
    const reloaded = new Promise<void>((resolve) => {
      const onData = (): void => {
        if (!broker.stderr().includes('broker contract:')) return;
        broker.child.stderr?.off('data', onData);
        resolve();
      };
      broker.child.stderr?.on('data', onData);
    });
    writeFileSync(file, document('string'));
    await reloaded;
    assert.equal(await publish(), true);
    broker.child.kill('SIGTERM');
    assert.equal((await broker.exited).code, 0);
  });
});
