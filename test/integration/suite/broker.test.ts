import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HttpPublishResult } from '../../../src/core/broker/httpPublish';
import type { TraceRecord } from '../../../src/core/trace/record';
import type { BrokerStats } from '../../../src/extension/broker/brokerSession';
import type { Ctx } from '../../../src/extension/ctx';
import type { TracePanel } from '../../../src/extension/webviews/tracePanel';

/** The broker from VS Code: start, publish, trace view, test events, scenarios, the tree, stop. Waits on events only. */

async function extensionCtx(): Promise<Ctx> {
  const extension = vscode.extensions.getExtension<Ctx>('eventscope.eventscope');
  assert.ok(extension);
  return extension.activate();
}

function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder);
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

/** Resolves with the first record the session reads from its journal that satisfies `predicate`. */
function nextRecord(ctx: Ctx, predicate: (record: TraceRecord) => boolean): Promise<TraceRecord> {
  const session = ctx.broker.running;
  assert.ok(session);
  return new Promise((resolve) => {
    const listener = session.onDidRecord(({ added }) => {
      const found = added.find(predicate);
      if (!found) return;
      listener.dispose();
      resolve(found);
    });
  });
}

describe('Eventscope broker in VS Code', () => {
  let ctx: Ctx;

  before(async () => {
    ctx = await extensionCtx();
    const config = vscode.workspace.getConfiguration('eventscope.broker');
    // Free ports: the machine may run other brokers on the defaults.
    for (const key of ['mqttPort', 'wsPort', 'httpPort']) await config.update(key, 0, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await vscode.commands.executeCommand('eventscope.stopBroker');
  });

  it('starts the broker from the command and reports its ports', async () => {
    const stats = await vscode.commands.executeCommand<BrokerStats | undefined>('eventscope.startBroker');
    assert.ok(stats, 'the broker started');
    assert.ok(stats.ports.mqtt > 0 && stats.ports.ws > 0 && stats.ports.http > 0, JSON.stringify(stats.ports));
    assert.ok(ctx.broker.running);
  });

  it('traces an event published over HTTP', async () => {
    const session = ctx.broker.running;
    assert.ok(session);
    const event = await session.admin.testEvent('OrderPlaced', 'shop/orders/{orderId}/placed');
    const traced = nextRecord(ctx, (record) => record.producer === 'integration-test');
    const response = await fetch(`${session.httpUrl}/publish/${event.topic}`, {
      method: 'POST',
      headers: { 'x-eventscope-client': 'integration-test', ...Object.fromEntries(Object.entries(event.headers).map(([name, value]) => [name, String(value)])) },
      body: JSON.stringify(event.payload),
    });
    assert.equal(response.status, 202);
    const record = await traced;
    assert.equal(record.message, 'OrderPlaced');
    assert.equal(record.validation.valid, true);
  });

  it('opens the trace view, which completes its handshake', async () => {
    const panel = await vscode.commands.executeCommand<TracePanel>('eventscope.showTrace');
    await panel.whenReady;
    assert.equal(panel.panel.visible, true);
    assert.equal(panel.panel.viewType, 'eventscope.trace');
  });

  it('sends a test event from a message and runs the checkout scenario', async () => {
    const result = await vscode.commands.executeCommand<HttpPublishResult>('eventscope.sendTestEvent', { message: 'OrderPlaced', channel: 'shop/orders/{orderId}/placed' });
    assert.equal(result.status, 202);
    assert.equal(result.valid, true);

    const scenario = await vscode.commands.executeCommand<{ published: number; invalid: number }>('eventscope.runScenario', workspaceUri('scenarios', 'checkout.events'));
    assert.deepEqual(scenario, { published: 4, invalid: 0, statuses: [202, 202, 202, 202] });
  });

  it('shows channels with their message counts in the broker view', async () => {
    await ctx.brokerTree.refresh();
    const [channels] = ctx.brokerTree.getChildren();
    assert.ok(channels);
    const nodes = ctx.brokerTree.getChildren(channels);
    const placed = nodes.find((node) => node.kind === 'channel' && node.channel.channel === 'shop/orders/{orderId}/placed');
    assert.ok(placed?.kind === 'channel' && placed.channel.messages >= 3, JSON.stringify(placed));
  });

  it('stops the broker', async () => {
    assert.equal(await vscode.commands.executeCommand('eventscope.stopBroker'), true);
    assert.equal(ctx.broker.running, undefined);
    assert.deepEqual(ctx.brokerTree.getChildren(), []);
  });
});
