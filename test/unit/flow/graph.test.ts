import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFlowGraph, type FlowGraph } from '../../../src/core/flow/graph';
import { renderMermaid } from '../../../src/core/flow/render';
import { corpusFiles, EXAMPLE_FILES, flowDocument, flowText, socialMediaFiles } from './support';

const edge = (graph: FlowGraph, from: string, to: string): string[] | undefined => graph.edges.find((item) => item.from === from && item.to === to)?.messages;
const codes = (graph: FlowGraph): string[] => graph.findings.map((finding) => `${finding.code} ${finding.nodeId}`).sort();

/** Connected parts of the map, counting applications only: one part means one system. */
function systems(graph: FlowGraph): string[][] {
  const neighbours = new Map<string, Set<string>>();
  const link = (a: string, b: string): void => {
    if (!neighbours.has(a)) neighbours.set(a, new Set());
    neighbours.get(a)?.add(b);
  };
  for (const item of graph.edges) {
    link(item.from, item.to);
    link(item.to, item.from);
  }
  const seen = new Set<string>();
  const parts: string[][] = [];
  for (const app of graph.applications) {
    if (seen.has(app.id)) continue;
    const part: string[] = [];
    const pending = [app.id];
    seen.add(app.id);
    while (pending.length > 0) {
      const id = pending.pop() as string;
      if (id.startsWith('app:')) part.push(id);
      for (const next of neighbours.get(id) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        pending.push(next);
      }
    }
    parts.push(part.sort());
  }
  return parts;
}

/** The subset of Mermaid's flowchart grammar the renderer writes, with every edge end declared. */
function assertPlausibleMermaid(text: string): void {
  const [header, ...lines] = text.trimEnd().split('\n');
  assert.equal(header, 'flowchart LR');
  const declared = new Set<string>();
  const label = '"[^"\\n]*"';
  for (const line of lines) {
    const node = new RegExp(`^  (\\w+)(?:\\[${label}\\]|\\(\\[${label}\\]\\))$`).exec(line);
    if (node) {
      assert.ok(!declared.has(node[1] as string), `node declared twice: ${line}`);
      declared.add(node[1] as string);
      continue;
    }
    const link = new RegExp(`^  (\\w+) -->(?:\\|${label}\\|)? (\\w+)$`).exec(line);
    if (link) {
      assert.ok(declared.has(link[1] as string) && declared.has(link[2] as string), `edge to an undeclared node: ${line}`);
      continue;
    }
    assert.match(line, /^ {2}(classDef finding [\w:#,-]+|class [\w,]+ finding)$/, `unexpected line: ${line}`);
  }
}

describe('flow graph', () => {
  it('the four example services form one system with shared channels and message-labelled edges', async () => {
    const graph = buildFlowGraph(await Promise.all(EXAMPLE_FILES.map(flowDocument)));
    assert.deepEqual(graph.applications.map((app) => app.id), ['app:Inventory Service', 'app:Notifications Service', 'app:Orders Service', 'app:Payments Service']);
    assert.deepEqual(graph.channels.map((channel) => channel.address), [
      'inventory.reserve',
      'inventory.reserve.dlq',
      'shop/orders/{orderId}/cancelled',
      'shop/orders/{orderId}/confirmed',
      'shop/orders/{orderId}/placed',
      'shop/payments/replies',
      'shop/payments/requests',
    ]);
    const placed = 'channel:shop/orders/{}/placed';
    assert.equal(graph.channels.find((channel) => channel.id === placed)?.declarations.length, 4);
    assert.deepEqual(edge(graph, 'app:Orders Service', placed), ['OrderPlaced']);
    for (const consumer of ['Inventory Service', 'Payments Service', 'Notifications Service']) assert.deepEqual(edge(graph, placed, `app:${consumer}`), ['OrderPlaced']);
    // Request/reply: orders sends the request and receives the reply that payments sends.
    assert.deepEqual(edge(graph, 'app:Orders Service', 'channel:shop/payments/requests'), ['PaymentRequested']);
    assert.deepEqual(edge(graph, 'channel:shop/payments/requests', 'app:Payments Service'), ['PaymentRequested']);
    assert.deepEqual(edge(graph, 'app:Payments Service', 'channel:shop/payments/replies'), ['PaymentCompleted', 'PaymentFailed']);
    assert.deepEqual(edge(graph, 'channel:shop/payments/replies', 'app:Orders Service'), ['PaymentCompleted', 'PaymentFailed']);
    assert.equal(systems(graph).length, 1);
    // The DLQ is fed by the broker and the reply pair is correlated: the examples are a clean design.
    assert.deepEqual(codes(graph), []);
  });

  it('node IDs do not depend on the order of the documents', async () => {
    const documents = await Promise.all(EXAMPLE_FILES.map(flowDocument));
    const forward = buildFlowGraph(documents);
    const backward = buildFlowGraph([...documents].reverse());
    assert.deepEqual(backward.applications.map((app) => app.id), forward.applications.map((app) => app.id));
    assert.deepEqual(backward.channels.map((channel) => channel.id), forward.channels.map((channel) => channel.id));
    assert.deepEqual(backward.edges.map((item) => [item.id, item.messages]), forward.edges.map((item) => [item.id, item.messages]));
    assert.equal(renderMermaid(backward), renderMermaid(forward));
  });

  for (const version of ['v2.6', 'v3'] as const) {
    it(`every ${version} corpus document yields a graph and plausible Mermaid`, async () => {
      for (const file of corpusFiles(version)) {
        const graph = buildFlowGraph([await flowDocument(file)]);
        assert.equal(graph.applications.length, 1, file);
        for (const item of graph.edges) {
          assert.ok([item.from, item.to].includes(graph.applications[0]?.id ?? ''), `${file}: ${item.id}`);
        }
        assertPlausibleMermaid(renderMermaid(graph));
      }
    });

    it(`the ${version} social-media services form one system`, async () => {
      const graph = buildFlowGraph(await Promise.all(socialMediaFiles(version).map(flowDocument)));
      assert.equal(graph.applications.length, 5);
      assert.deepEqual(systems(graph).map((part) => part.length), [5]);
      const liked = 'channel:comment/liked';
      assert.deepEqual(edge(graph, 'app:Website Backend', liked), ['commentLiked']);
      for (const consumer of ['Comments Service', 'Notifications Service', 'Public API']) assert.ok(edge(graph, liked, `app:${consumer}`), consumer);
      assertPlausibleMermaid(renderMermaid(graph));
    });
  }
});

describe('flow findings', () => {
  const doc = (title: string, body: string): string => `asyncapi: 3.0.0\ninfo:\n  title: ${title}\n  version: 1.0.0\n${body}`;

  it('a channel sent to but never received, and one received from but never sent to', async () => {
    const producer = await flowText(doc('Producer', `channels:
  lost: { address: a/lost, messages: { Lost: { payload: { type: string } } } }
  shared: { address: 'a/{id}/shared', messages: { Shared: { payload: { type: string } } } }
operations:
  sendLost: { action: send, channel: { $ref: '#/channels/lost' } }
  sendShared: { action: send, channel: { $ref: '#/channels/shared' } }
`), 'producer.yaml');
    const consumer = await flowText(doc('Consumer', `channels:
  shared: { address: 'a/{other}/shared', messages: { Shared: { payload: { type: string } } } }
  idle: { address: a/idle, messages: { Idle: { payload: { type: string } } } }
operations:
  onShared: { action: receive, channel: { $ref: '#/channels/shared' } }
  onIdle: { action: receive, channel: { $ref: '#/channels/idle' } }
`), 'consumer.yaml');
    const graph = buildFlowGraph([producer, consumer]);
    assert.deepEqual(codes(graph), ['flow-channel-not-received channel:a/lost', 'flow-channel-not-sent channel:a/idle']);
    assert.deepEqual(graph.findings.find((finding) => finding.code === 'flow-channel-not-received')?.locations, [{ file: producer.file, path: ['channels', 'lost'] }]);
  });

  it('request/reply without a correlation ID names the messages that lack one', async () => {
    const graph = buildFlowGraph([await flowText(doc('Requester', `channels:
  requests: { address: req, messages: { Ask: { payload: { type: string }, correlationId: { location: '$message.header#/id' } } } }
  replies: { address: rep, messages: { Answer: { payload: { type: string } } } }
operations:
  ask:
    action: send
    channel: { $ref: '#/channels/requests' }
    reply: { channel: { $ref: '#/channels/replies' } }
`))]);
    const finding = graph.findings.find((item) => item.code === 'flow-reply-without-correlation-id');
    assert.equal(finding?.nodeId, 'app:Requester');
    assert.match(finding?.message ?? '', /"ask" has no correlation ID on Answer$/);
    assert.deepEqual(finding?.locations[0]?.path, ['operations', 'ask']);
    assert.deepEqual(edge(graph, 'channel:rep', 'app:Requester'), ['Answer']);
  });

  it('a retrying queue without a dead-letter channel; with one it passes', async () => {
    const queue = (extra: string): string => doc('Worker', `channels:
  work:
    address: work
    messages: { Job: { payload: { type: string } } }
    bindings: { amqp: { is: queue, queue: { name: work }, x-queue-arguments: { x-delivery-limit: 5${extra} } } }
operations:
  put: { action: send, channel: { $ref: '#/channels/work' } }
  take: { action: receive, channel: { $ref: '#/channels/work' } }
`);
    assert.deepEqual(codes(buildFlowGraph([await flowText(queue(''))])), ['flow-queue-without-dead-letter channel:work']);
    assert.deepEqual(codes(buildFlowGraph([await flowText(queue(', x-dead-letter-exchange: dlx'))])), []);
  });

  it('documents that share a title stay two applications, told apart by their files', async () => {
    const text = doc('Twin', `channels:
  out: { address: twin/out, messages: { Out: { payload: { type: string } } } }
operations:
  put: { action: send, channel: { $ref: '#/channels/out' } }
`);
    const [one, two] = [await flowText(text, 'one.yaml'), await flowText(text, 'two.yaml')];
    const graph = buildFlowGraph([one, two]);
    assert.deepEqual(graph.applications.map((app) => app.id), [`app:Twin@${one.file}`, `app:Twin@${two.file}`]);
    assert.equal(graph.channels.length, 1);
    assert.equal(graph.edges.length, 2);
  });

  it('a channel without an address stays the document\'s own node', async () => {
    const text = doc('Dynamic', `channels:
  inbox: { address: null, messages: { Note: { payload: { type: string } } } }
operations:
  onNote: { action: receive, channel: { $ref: '#/channels/inbox' } }
`);
    const graph = buildFlowGraph([await flowText(text, 'one.yaml'), await flowText(text.replace('Dynamic', 'Other'), 'two.yaml')]);
    assert.deepEqual(graph.channels.map((channel) => channel.id), ['channel:app:Dynamic#inbox', 'channel:app:Other#inbox']);
    assert.match(renderMermaid(graph), /\(\["inbox \(address at runtime\)"\]\)/);
    assert.deepEqual(graph.findings.map((finding) => finding.message), Array(2).fill('"inbox" is received from but no application sends to it'));
  });
});
