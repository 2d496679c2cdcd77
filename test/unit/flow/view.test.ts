import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDocument } from '../../../src/core/evolve/loader';
import { buildFlowGraph, type FlowDocument } from '../../../src/core/flow/graph';
import { layoutFlow } from '../../../src/core/flow/layout';
import { buildFlowView, flowFindingsAsDiagnostics, flowItemAt, flowLocation, schemaBrief } from '../../../src/core/flow/view';
import { createRefReader } from '../../../src/core/model/refReader';
import { SourceMap } from '../../../src/core/model/sourceMap';
import { isFlowHostToView, isFlowViewToHost, NO_FLOW_FILTERS, nodeMatchesSearch, visibleParts } from '../../../src/shared/flowProtocol';
import { EXAMPLE_FILES, flowText } from './support';

const reader = createRefReader();

async function examples(): Promise<{ documents: FlowDocument[] }> {
  const loaded = await Promise.all(EXAMPLE_FILES.map(async (file) => loadDocument(await reader.readFile(file), file, reader)));
  return { documents: loaded.map((doc) => ({ file: doc.file, model: doc.model, resolved: doc.resolved, origins: doc.origins })) };
}

describe('flow view model', () => {
  it('places the four example services and their channels, with servers, applications and schema briefs', async () => {
    const { documents } = await examples();
    const graph = buildFlowGraph(documents);
    const view = buildFlowView(graph, await layoutFlow(graph), documents, { title: 'System', source: { scope: 'system' } });
    assert.deepEqual(
      view.facets.applications.map((app) => app.label),
      ['Inventory Service', 'Notifications Service', 'Orders Service', 'Payments Service'],
    );
    assert.equal(view.nodes.length, graph.applications.length + graph.channels.length);
    const placed = view.nodes.find((node) => node.id === 'channel:shop/orders/{}/placed');
    assert.ok(placed);
    assert.deepEqual(placed.applications, ['app:Inventory Service', 'app:Notifications Service', 'app:Orders Service', 'app:Payments Service']);
    assert.ok(placed.width > 0 && placed.height > 0);
    // The inventory work queue lives on the AMQP server only; the shared channels on MQTT.
    assert.deepEqual(view.nodes.find((node) => node.id === 'channel:inventory.reserve')?.servers, ['amqp']);
    assert.deepEqual(placed.servers, ['mqtt']);
    assert.deepEqual(view.facets.servers, ['amqp', 'mqtt']);
    const edge = view.edges.find((candidate) => candidate.id === 'app:Orders Service->channel:shop/orders/{}/placed');
    assert.ok(edge && edge.points.length >= 2);
    assert.match(edge.brief[0] ?? '', /^OrderPlaced \{orderId: string.*\}$/);
    assert.ok(placed.brief.some((line) => line.startsWith('OrderPlaced {')));
    assert.equal(view.nodes.find((node) => node.id === 'channel:inventory.reserve.dlq')?.deadLetter, true);
  });

  it('collects tags from info, channels and operations, and filters by tag, server and application', async () => {
    const doc = await flowText(`asyncapi: 3.0.0
info: { title: Billing, version: 1.0.0, tags: [{ name: finance }] }
servers:
  kafka: { host: 'k:9092', protocol: kafka }
  mqtt: { host: 'm:1883', protocol: mqtt }
channels:
  invoices:
    address: billing/invoices
    servers: [{ $ref: '#/servers/kafka' }]
    tags: [{ name: invoicing }]
    messages: { Invoice: { payload: { type: object, required: [id], properties: { id: { type: string }, total: { type: integer } } } } }
  audit:
    address: billing/audit
    messages: { Audit: { payload: { type: string } } }
operations:
  sendInvoice:
    action: send
    channel: { $ref: '#/channels/invoices' }
    tags: [{ name: hot-path }]
  sendAudit:
    action: send
    channel: { $ref: '#/channels/audit' }
`);
    const graph = buildFlowGraph([doc]);
    const view = buildFlowView(graph, await layoutFlow(graph), [doc], { title: 'Billing', source: { scope: 'document', file: doc.file } });
    const invoices = view.nodes.find((node) => node.id === 'channel:billing/invoices');
    assert.deepEqual(invoices?.tags, ['hot-path', 'invoicing']);
    assert.deepEqual(invoices?.servers, ['kafka']);
    assert.deepEqual(view.nodes.find((node) => node.id === 'channel:billing/audit')?.servers, ['kafka', 'mqtt']);
    assert.deepEqual(view.nodes.find((node) => node.id === 'app:Billing')?.tags, ['finance', 'hot-path']);
    assert.deepEqual(view.facets.tags, ['finance', 'hot-path', 'invoicing']);
    assert.equal(invoices?.brief[1], 'Invoice {id: string, total?: integer}');

    assert.deepEqual([...visibleParts(view, NO_FLOW_FILTERS).nodes].sort(), ['app:Billing', 'channel:billing/audit', 'channel:billing/invoices']);
    const onKafkaTagged = visibleParts(view, { ...NO_FLOW_FILTERS, tag: 'hot-path', server: 'kafka' });
    assert.deepEqual([...onKafkaTagged.nodes].sort(), ['app:Billing', 'channel:billing/invoices']);
    assert.deepEqual([...onKafkaTagged.edges], ['app:Billing->channel:billing/invoices']);
    assert.deepEqual([...visibleParts(view, { ...NO_FLOW_FILTERS, server: 'mqtt' }).edges], ['app:Billing->channel:billing/audit']);
    assert.equal(visibleParts(view, { ...NO_FLOW_FILTERS, application: 'app:Nobody' }).nodes.size, 0);
    // Search finds a channel by a message field, not only by its label.
    assert.equal(nodeMatchesSearch(invoices ?? assert.fail(), 'TOTAL'), true);
    assert.equal(nodeMatchesSearch(invoices, 'nothing-like-it'), false);
    assert.equal(nodeMatchesSearch(invoices, '  '), false);
  });

  it('reveals where a node is written and finds the node under the cursor', async () => {
    const { documents } = await examples();
    const graph = buildFlowGraph(documents);
    const orders = EXAMPLE_FILES[0] ?? '';
    const payments = EXAMPLE_FILES[1] ?? '';
    assert.deepEqual(flowLocation(graph, 'app:Orders Service'), { file: orders, path: ['info'] });
    assert.deepEqual(flowLocation(graph, 'channel:shop/payments/requests', payments), { file: payments, path: ['channels', 'paymentRequests'] });
    assert.deepEqual(flowLocation(graph, 'app:Orders Service->channel:shop/orders/{}/placed'), { file: orders, path: ['operations', 'publishOrderPlaced'] });
    assert.equal(flowLocation(graph, 'nothing'), undefined);

    assert.equal(flowItemAt(graph, orders, ['operations', 'publishOrderPlaced', 'messages', '0']), 'app:Orders Service->channel:shop/orders/{}/placed');
    assert.equal(flowItemAt(graph, payments, ['channels', 'paymentRequests', 'address']), 'channel:shop/payments/requests');
    assert.equal(flowItemAt(graph, orders, ['info', 'title']), 'app:Orders Service');
    assert.equal(flowItemAt(graph, '/elsewhere.yaml', ['channels']), undefined);
    // A request/reply operation: the request's edge, or inside `reply` the reply's.
    const model = documents[1]?.model;
    assert.equal(flowItemAt(graph, payments, ['operations', 'onPaymentRequested', 'action'], model), 'channel:shop/payments/requests->app:Payments Service');
    assert.equal(flowItemAt(graph, payments, ['operations', 'onPaymentRequested', 'reply', 'channel'], model), 'app:Payments Service->channel:shop/payments/replies');
  });

  it('turns each finding into a diagnostic at every place it concerns, on the key that declares it', async () => {
    const text = `asyncapi: 3.0.0
info: { title: Lonely, version: 1.0.0 }
channels:
  lost:
    address: lost/events
    messages: { Lost: { payload: { type: string } } }
operations:
  sendLost:
    action: send
    channel: { $ref: '#/channels/lost' }
`;
    const doc = await flowText(text);
    const graph = buildFlowGraph([doc]);
    const map = new SourceMap(text);
    const diagnostics = flowFindingsAsDiagnostics(graph.findings, (file, pointer) => (file === doc.file ? map.rangeOf(pointer, 'key') : undefined));
    assert.deepEqual(
      diagnostics.map((finding) => [finding.code, finding.severity, finding.range.start.line, finding.range.start.character, finding.path.join('/')]),
      [['flow-channel-not-received', 'warning', 3, 2, 'channels/lost']],
    );
    assert.match(diagnostics[0]?.message ?? '', /"lost\/events" is sent to but no application receives/);
    // A location in a file that cannot be read gives no diagnostic rather than a wrong one.
    assert.deepEqual(flowFindingsAsDiagnostics(graph.findings, () => undefined), []);
  });

  it('briefs schemas in one line', () => {
    assert.equal(schemaBrief({ type: 'object', required: ['a'], properties: { a: { type: 'string', format: 'uuid' }, b: { type: 'array', items: { type: 'integer' } }, c: { enum: ['x', 'y'] } } }), '{a: string (uuid), b?: integer[], c?: "x" | "y"}');
    assert.equal(schemaBrief({ type: 'string' }), 'string');
    assert.equal(schemaBrief(undefined), 'any');
    const many = Object.fromEntries(Array.from({ length: 10 }, (_, n) => [`f${n}`, { type: 'string' }]));
    assert.match(schemaBrief({ properties: many }), /, … 2 more\}$/);
  });
});

describe('flow webview protocol', () => {
  it('accepts well-formed messages and refuses malformed ones', () => {
    assert.equal(isFlowViewToHost({ type: 'ready' }), true);
    assert.equal(isFlowViewToHost({ type: 'reveal', id: 'app:A' }), true);
    assert.equal(isFlowViewToHost({ type: 'export', format: 'svg', visible: ['a'] }), true);
    assert.equal(isFlowViewToHost({ type: 'export', format: 'exe', visible: [] }), false);
    assert.equal(isFlowViewToHost({ type: 'export', format: 'svg', visible: [1] }), false);
    assert.equal(isFlowViewToHost({ type: 'rasterized', requestId: 1, dataUrl: 'data:image/png;base64,AAAA' }), true);
    assert.equal(isFlowViewToHost({ type: 'rasterized', requestId: 1, dataUrl: 'https://evil.example/x.png' }), false);
    assert.equal(isFlowViewToHost({ type: 'reveal' }), false);
    assert.equal(isFlowViewToHost({ type: 'toString' }), false);
    assert.equal(isFlowViewToHost(null), false);
    assert.equal(isFlowHostToView({ type: 'highlight', id: null }), true);
    assert.equal(isFlowHostToView({ type: 'highlight', id: 3 }), false);
    assert.equal(isFlowHostToView({ type: 'graph', view: null }), false);
  });
});
