import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FlowTraffic } from '../../../src/shared/flowProtocol';
import type { Ctx } from '../../../src/extension/ctx';
import type { FlowPanel } from '../../../src/extension/webviews/flowPanel';
import type { TracePanel } from '../../../src/extension/webviews/tracePanel';

/** The event-flow commands in a real extension host, on examples/: maps, reveal, cursor, findings, traffic, export. */

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

function diagnosticsWith(uri: vscode.Uri, code: string, present: boolean): Promise<vscode.Diagnostic[]> {
  const matching = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.code === code);
  return new Promise((resolve) => {
    if ((matching().length > 0) === present) return resolve(matching());
    const listener = vscode.languages.onDidChangeDiagnostics(() => {
      if ((matching().length > 0) !== present) return;
      listener.dispose();
      resolve(matching());
    });
  });
}

function trafficWhere(panel: FlowPanel, predicate: (traffic: FlowTraffic) => boolean): Promise<FlowTraffic> {
  return new Promise((resolve) => {
    const listener = panel.onDidPostTraffic((traffic) => {
      if (!predicate(traffic)) return;
      listener.dispose();
      resolve(traffic);
    });
  });
}

const LONELY = `asyncapi: 3.0.0
info: { title: Audit Service, version: 1.0.0 }
channels:
  auditLog:
    address: shop/audit/log
    messages: { AuditEntry: { payload: { type: object, properties: { id: { type: string } } } } }
operations:
  writeAudit:
    action: send
    channel: { $ref: '#/channels/auditLog' }
`;

describe('Eventscope event flow in VS Code', () => {
  let ctx: Ctx;
  let system: FlowPanel;

  before(async () => {
    ctx = await extensionCtx();
    const config = vscode.workspace.getConfiguration('eventscope.broker');
    for (const key of ['mqttPort', 'wsPort', 'httpPort']) await config.update(key, 0, vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await vscode.commands.executeCommand('eventscope.stopBroker');
    await vscode.workspace.fs.delete(workspaceUri('audit', 'asyncapi.yaml'), { recursive: true }).then(undefined, () => undefined);
  });

  it('shows the system flow of the four example services as one map', async () => {
    system = await vscode.commands.executeCommand<FlowPanel>('eventscope.showSystemFlow');
    await system.whenReady;
    await system.whenRendered;
    assert.equal(system.panel.viewType, 'eventscope.flow');
    const graph = system.graph;
    assert.ok(graph);
    // Earlier suites may leave documents of their own in the workspace.
    const services = ['Inventory Service', 'Notifications Service', 'Orders Service', 'Payments Service'];
    assert.deepEqual(graph.applications.map((app) => app.title).filter((title) => services.includes(title)), services);
    const placed = graph.edges.filter((edge) => edge.from === 'channel:shop/orders/{}/placed').map((edge) => edge.to);
    assert.deepEqual(placed, ['app:Inventory Service', 'app:Notifications Service', 'app:Payments Service']);
    // The same command again reveals the open map rather than opening a second one.
    assert.equal(await vscode.commands.executeCommand<FlowPanel>('eventscope.showSystemFlow'), system);
  });

  it('shows the event flow of the active document and reveals a channel where it is declared', async () => {
    const orders = workspaceUri('orders', 'asyncapi.yaml');
    await vscode.window.showTextDocument(orders);
    const panel = await vscode.commands.executeCommand<FlowPanel>('eventscope.showEventFlow');
    await panel.whenRendered;
    assert.deepEqual(panel.graph?.applications.map((app) => app.title), ['Orders Service']);
    const editor = await panel.reveal('channel:shop/payments/requests');
    assert.ok(editor);
    assert.equal(editor.document.uri.fsPath, orders.fsPath);
    assert.equal(editor.document.lineAt(editor.selection.active.line).text.trim(), 'paymentRequests:');
    panel.dispose();
  });

  it('highlights the node under the editor cursor', async () => {
    const editor = await vscode.window.showTextDocument(workspaceUri('payments', 'asyncapi.yaml'));
    const line = editor.document.getText().split('\n').findIndex((text) => text.trim() === 'onPaymentRequested:');
    assert.ok(line > 0);
    const highlighted = new Promise<void>((resolve) => {
      const listener = vscode.window.onDidChangeTextEditorSelection(() => {
        listener.dispose();
        // The panel's own selection listener ran first: it was registered before this one.
        resolve();
      });
    });
    editor.selection = new vscode.Selection(line + 1, 6, line + 1, 6);
    await highlighted;
    assert.equal(system.highlighted, 'channel:shop/payments/requests->app:Payments Service');
  });

  it('publishes a design finding as a diagnostic when a new document sends to a channel nobody receives', async () => {
    const audit = workspaceUri('audit', 'asyncapi.yaml');
    // As a person would, through the editor: the map hears of it at once, whatever the file watcher does.
    const create = new vscode.WorkspaceEdit();
    create.createFile(audit, { contents: new TextEncoder().encode(LONELY) });
    assert.ok(await vscode.workspace.applyEdit(create));
    const [diagnostic] = await diagnosticsWith(audit, 'flow-channel-not-received', true);
    assert.ok(diagnostic);
    assert.equal(diagnostic.source, 'eventscope');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(diagnostic.range.start.line, 3, 'on the channel key');
    assert.ok(system.graph?.applications.some((app) => app.title === 'Audit Service'));
    const remove = new vscode.WorkspaceEdit();
    remove.deleteFile(audit);
    assert.ok(await vscode.workspace.applyEdit(remove));
    await diagnosticsWith(audit, 'flow-channel-not-received', false);
  });

  it('counts live traffic on the edges while events pass through the broker, and opens the trace of an edge', async () => {
    // Only a visible map is sent traffic.
    const shown = new Promise<void>((resolve) => {
      if (system.panel.visible) return resolve();
      const listener = system.panel.onDidChangeViewState(() => {
        if (!system.panel.visible) return;
        listener.dispose();
        resolve();
      });
    });
    system.panel.reveal();
    await shown;
    await vscode.commands.executeCommand('eventscope.startBroker');
    const session = ctx.broker.running;
    assert.ok(session);
    const edge = 'app:Orders Service->channel:shop/orders/{}/placed';
    const counted = trafficWhere(system, (traffic) => (traffic.edges.find((candidate) => candidate.id === edge)?.count ?? 0) >= 2);
    const event = await session.admin.testEvent('OrderPlaced', 'shop/orders/{orderId}/placed');
    for (let n = 0; n < 2; n++) {
      const response = await fetch(`${session.httpUrl}/publish/${event.topic}`, {
        method: 'POST',
        headers: { 'x-eventscope-client': 'orders-service-1', ...Object.fromEntries(Object.entries(event.headers).map(([name, value]) => [name, String(value)])) },
        body: JSON.stringify(event.payload),
      });
      assert.equal(response.status, 202);
    }
    const traffic = await counted;
    const stats = traffic.edges.find((candidate) => candidate.id === edge);
    assert.equal(stats?.invalid, 0);
    assert.ok((stats?.rate ?? 0) > 0);
    const trace = system.openTrace(edge) as TracePanel;
    await trace.whenReady;
    assert.equal(trace.panel.viewType, 'eventscope.trace');
    trace.dispose();
  });

  it('exports the visible map as SVG and Mermaid', async () => {
    const graph = system.graph;
    assert.ok(graph);
    const visible = [...graph.applications, ...graph.channels].map((node) => node.id).filter((id) => id !== 'app:Notifications Service');
    const svgUri = await system.export('svg', visible, workspaceUri('exported.svg'));
    assert.ok(svgUri);
    const svg = new TextDecoder().decode(await vscode.workspace.fs.readFile(svgUri));
    const ids = [...svg.matchAll(/<g class="(?:application|channel)" data-id="([^"]+)"/g)].map((match) => match[1]?.replace(/&#123;/g, '{').replace(/&#125;/g, '}'));
    assert.deepEqual(ids.sort(), [...visible].sort());
    const mermaidUri = await system.export('mermaid', visible, workspaceUri('exported.mmd'));
    assert.ok(mermaidUri);
    const mermaid = new TextDecoder().decode(await vscode.workspace.fs.readFile(mermaidUri));
    assert.match(mermaid, /^flowchart LR\n/);
    assert.ok(mermaid.includes('"Orders Service"') && !mermaid.includes('Notifications Service'));
    for (const uri of [svgUri, mermaidUri]) await vscode.workspace.fs.delete(uri);
  });
});
