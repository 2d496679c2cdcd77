import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFlowGraph } from '../../../src/core/flow/graph';
import { layoutFlow } from '../../../src/core/flow/layout';
import { renderHtml, renderMermaid, renderSvg } from '../../../src/core/flow/render';
import { EXAMPLE_FILES, flowDocument, flowText } from './support';

const HOSTILE = '<script>alert(1)</script>';

describe('flow layout and rendering', () => {
  it('lays the examples out left to right, producers before their channels before consumers', async () => {
    const graph = buildFlowGraph(await Promise.all(EXAMPLE_FILES.map(flowDocument)));
    const layout = await layoutFlow(graph);
    assert.equal(layout.nodes.length, graph.applications.length + graph.channels.length);
    assert.equal(layout.edges.length, graph.edges.length);
    const x = (id: string): number => layout.nodes.find((placed) => placed.node.id === id)?.x ?? Number.NaN;
    assert.ok(x('app:Orders Service') < x('channel:shop/orders/{}/placed'));
    assert.ok(x('channel:shop/orders/{}/placed') < x('app:Notifications Service'));
    for (const placed of layout.edges) assert.ok(placed.points.length >= 2, placed.id);
    // The same graph lays out the same way, so the picture does not jump.
    assert.deepEqual(await layoutFlow(graph), layout);
  });

  it('the SVG holds every application, channel and message name', async () => {
    const graph = buildFlowGraph(await Promise.all(EXAMPLE_FILES.map(flowDocument)));
    const svg = renderSvg(graph, await layoutFlow(graph));
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
    for (const name of ['Orders Service', 'Payments Service', 'shop/payments/replies', 'PaymentCompleted, PaymentFailed']) assert.ok(svg.includes(`>${name}</text>`), name);
    assert.equal((svg.match(/<g class="application"/g) ?? []).length, 4);
    assert.equal((svg.match(/<g class="channel"/g) ?? []).length, 7);
  });

  it('escapes hostile names in SVG, HTML and Mermaid', async () => {
    const graph = buildFlowGraph([await flowText(`asyncapi: 3.0.0
info: { title: '${HOSTILE}', version: 1.0.0 }
channels:
  evil: { address: '"><img src=x onerror=alert(1)>', messages: { '${HOSTILE}': { name: '${HOSTILE}&"', payload: { type: string } } } }
operations:
  put: { action: send, channel: { $ref: '#/channels/evil' } }
`)]);
    const layout = await layoutFlow(graph);
    for (const text of [renderSvg(graph, layout), renderHtml(graph, layout, `Event flow: ${HOSTILE}`)]) {
      assert.ok(!text.includes('<script'), 'no script element');
      assert.ok(!text.includes('<img'), 'no img element');
      assert.ok(text.includes('&#60;script&#62;alert(1)&#60;/script&#62;'));
    }
    const mermaid = renderMermaid(graph);
    assert.ok(!/[<>]/.test(mermaid.replace(/-->/g, '')), mermaid);
    assert.ok(mermaid.includes('#60;script#62;'));
  });

  it('the HTML page fetches nothing and lists the design findings', async () => {
    const graph = buildFlowGraph([await flowDocument(EXAMPLE_FILES[0] as string)]);
    const html = renderHtml(graph, await layoutFlow(graph), 'Orders');
    assert.match(html, /^<!doctype html>/);
    assert.ok(!/\b(src|href)=/.test(html), 'no src or href attribute');
    assert.ok(!/https?:\/\/(?!www\.w3\.org\/2000\/svg)/.test(html), 'no remote URL');
    assert.match(html, /<li><code>flow-channel-not-received<\/code> &#34;shop\/orders\/\{orderId\}\/placed&#34; is sent to/);
  });
});
