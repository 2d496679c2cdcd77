import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import * as vscode from 'vscode';
import type { TraceRecord } from '../../../src/core/trace/record';
import type { Ctx } from '../../../src/extension/ctx';
import type { TapStats } from '../../../src/extension/tap/tapSession';
import type { FlowPanel } from '../../../src/extension/webviews/flowPanel';
import { MOSQUITTO, startMosquitto, type BrokerProcess } from '../../unit/support/brokers';

/** Attach to a mosquitto the test starts, trace what is published there, detach. Waits on events only. */

const DOCUMENT = `asyncapi: 3.0.0
info: { title: Tapped orders, version: 1.0.0 }
servers:
  local:
    host: '127.0.0.1:{port}'
    protocol: mqtt
    variables:
      port: { default: '1883' }
channels:
  orderPlaced:
    address: shop/orders/{orderId}/placed
    parameters:
      orderId: {}
    messages:
      OrderPlaced:
        payload:
          type: object
          required: [orderId]
          properties:
            orderId: { type: string }
operations:
  placeOrder:
    action: send
    channel: { $ref: '#/channels/orderPlaced' }
`;

(existsSync(MOSQUITTO) ? describe : describe.skip)('Eventscope: Attach to Server in VS Code', () => {
  let ctx: Ctx;
  let broker: BrokerProcess;
  let dir: string;
  let document: string;

  before(async () => {
    const extension = vscode.extensions.getExtension<Ctx>('eventscope.eventscope');
    assert.ok(extension);
    ctx = await extension.activate();
    dir = mkdtempSync(path.join(tmpdir(), 'eventscope-tap-it-'));
    document = path.join(dir, 'asyncapi.yaml');
    writeFileSync(document, DOCUMENT);
    broker = await startMosquitto(dir);
  });

  after(async () => {
    await vscode.commands.executeCommand('eventscope.detachFromServer');
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('attaches to the server with its variable, traces a published message onto the trace and the flow map, and detaches', async () => {
    const stats = await vscode.commands.executeCommand<TapStats | undefined>('eventscope.attachToServer', { document, server: 'local', variables: { port: String(broker.port) } });
    assert.equal(stats?.server, 'local');
    const [session] = ctx.taps.attached;
    assert.ok(session);
    // The event flow map of the document counts the tapped traffic on its edge, as it does the embedded broker's.
    const map = await vscode.commands.executeCommand<FlowPanel>('eventscope.showEventFlow', vscode.Uri.file(document));
    await map.whenRendered;
    const edge = 'app:Tapped orders->channel:shop/orders/{}/placed';
    const counted = new Promise<void>((resolve) => {
      const listener = map.onDidPostTraffic((traffic) => {
        if ((traffic.edges.find((candidate) => candidate.id === edge)?.count ?? 0) < 1) return;
        listener.dispose();
        resolve();
      });
    });
    const traced = new Promise<TraceRecord>((resolve) => {
      const listener = session.onDidRecord(({ added }) => {
        const found = added.find((record) => record.message === 'OrderPlaced');
        if (!found) return;
        listener.dispose();
        resolve(found);
      });
    });
    const publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { reconnectPeriod: 0 });
    await publisher.publishAsync('shop/orders/ORD-7/placed', JSON.stringify({ orderId: 'ORD-7' }), { qos: 1 });
    await publisher.endAsync();
    const record = await traced;
    assert.deepEqual([record.origin, record.disposition, record.validation.valid, record.params], ['tap', 'observed', true, { orderId: 'ORD-7' }]);
    await counted;
    map.dispose();

    await vscode.commands.executeCommand('eventscope.detachFromServer', 'local');
    assert.deepEqual(ctx.taps.attached, []);
  });
});
