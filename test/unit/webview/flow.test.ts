import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { FlowHostToView, FlowTraffic, FlowView, FlowViewNode } from '../../../src/shared/flowProtocol';
import { startWebviewHarness, type WebviewHarness } from './harness';

/**
 * The flow webview's real bundle in headless Chromium under the webview's CSP, fed the messages the
 * extension host would post: hostile labels stay text, clicks and keys post the right messages, and a
 * 1,200-node map is drawn once and then only moved.
 */

const HOSTILE = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script>',
  '<svg onload="window.__pwned=3"></svg>',
  '"><iframe srcdoc="<script>parent.__pwned=4</script>">',
];

const STUB_VSCODE_API = `
  window.__posted = [];
  window.__violations = [];
  let state = window.__initialState;
  window.acquireVsCodeApi = () => ({
    postMessage: (message) => window.__posted.push(message),
    getState: () => state,
    setState: (next) => { state = next; window.__state = next; },
  });
  document.addEventListener('securitypolicyviolation', (event) => window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));
`;

let harness: WebviewHarness | undefined;
let browser: Browser;
let origin: string;

before(async () => {
  harness = await startWebviewHarness('flow', 'Eventscope Flow');
  browser = harness.browser;
  origin = harness.origin;
});

after(async () => {
  await harness?.close();
});

async function openView(query = '', initialState?: unknown): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
  await page.addInitScript(`window.__initialState = ${JSON.stringify(initialState ?? null) === 'null' ? 'undefined' : JSON.stringify(initialState)};\n${STUB_VSCODE_API}`);
  await page.goto(`${origin}/${query}`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((message) => message.type === 'ready'));
  return page;
}

function post(page: Page, message: FlowHostToView): Promise<void> {
  return page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(message));
}

const posted = (page: Page): Promise<{ type: string; [key: string]: unknown }[]> => page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);

function node(id: string, kind: FlowViewNode['kind'], x: number, y: number, overrides: Partial<FlowViewNode> = {}): FlowViewNode {
  const label = overrides.label ?? id;
  return { id, kind, label, x, y, width: Math.max(120, Math.ceil(label.length * 7.2) + 32), height: 40, tags: [], servers: [], applications: [], findings: [], brief: [id], deadLetter: false, ...overrides };
}

/** A small map whose every name is hostile: two applications around one channel. */
function hostileView(): FlowView {
  const producer = `app:${HOSTILE[0]}`;
  const consumer = `app:${HOSTILE[1]}`;
  const channel = `channel:${HOSTILE[2]}`;
  return {
    title: HOSTILE[3] ?? '',
    source: { scope: 'system' },
    width: 1150,
    height: 200,
    nodes: [
      node(producer, 'application', 16, 16, { label: HOSTILE[0], tags: ['t1'], servers: ['mqtt'], applications: [producer], brief: [HOSTILE[0] ?? ''] }),
      node(channel, 'channel', 400, 16, { label: HOSTILE[2], tags: ['t1'], servers: ['amqp'], applications: [producer, consumer], brief: [HOSTILE[2] ?? '', `OrderPlaced {id: string} ${HOSTILE[1]}`], findings: [{ code: 'flow-channel-not-sent', severity: 'warning', message: HOSTILE[3] ?? '' }] }),
      node(consumer, 'application', 800, 16, { label: HOSTILE[1], servers: ['mqtt'], applications: [consumer] }),
    ],
    edges: [
      { id: `${producer}->${channel}`, from: producer, to: channel, label: HOSTILE[3] ?? '', points: [{ x: 322, y: 36 }, { x: 400, y: 36 }], labelBox: { x: 330, y: 60, width: 60, height: 16 }, brief: [HOSTILE[0] ?? ''] },
      { id: `${channel}->${consumer}`, from: channel, to: consumer, label: 'OrderPlaced', points: [{ x: 698, y: 36 }, { x: 800, y: 36 }], brief: ['OrderPlaced'] },
    ],
    facets: { applications: [{ id: producer, label: HOSTILE[0] ?? '' }, { id: consumer, label: HOSTILE[1] ?? '' }], tags: ['t1'], servers: ['amqp', 'mqtt'] },
  };
}

async function assertInert(page: Page): Promise<void> {
  const result = await page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: number }).__pwned,
    images: document.querySelectorAll('img, image').length,
    iframes: document.querySelectorAll('iframe').length,
    scripts: document.querySelectorAll('script').length,
    text: document.body.textContent ?? '',
  }));
  assert.equal(result.pwned, undefined, 'a label ran script');
  assert.equal(result.images, 0);
  assert.equal(result.iframes, 0);
  assert.equal(result.scripts, 1, 'only the bundle itself is a script element');
  for (const text of HOSTILE) assert.ok(result.text.includes(text), `shown literally: ${text}`);
}

const trafficFor = (view: FlowView, undeclaredClient: string): FlowTraffic => ({
  edges: [
    { id: view.edges[0]?.id ?? '', count: 7, invalid: 2, rate: 0.7, lastTime: 1000 },
    { id: view.edges[1]?.id ?? '', count: 5, invalid: 0, rate: 0.5, lastTime: 1000 },
    { id: `client:${undeclaredClient}->${view.nodes[1]?.id ?? ''}`, count: 1, invalid: 0, rate: 0.1, lastTime: 1000 },
  ],
  deadLetters: [{ id: view.nodes[1]?.id ?? '', count: 3 }],
  undeclared: { applications: [{ id: `client:${undeclaredClient}`, label: undeclaredClient }], edges: [{ id: `client:${undeclaredClient}->${view.nodes[1]?.id ?? ''}`, from: `client:${undeclaredClient}`, to: view.nodes[1]?.id ?? '' }] },
  now: 1500,
});

describe('flow webview in Chromium', () => {
  for (const csp of ['on', 'off']) {
    it(`draws hostile names, findings, hovers and traffic as text and runs none of them (CSP ${csp})`, async () => {
      const page = await openView(csp === 'off' ? '?csp=off' : '');
      const view = hostileView();
      await post(page, { type: 'graph', view });
      await post(page, { type: 'traffic', traffic: trafficFor(view, HOSTILE[0] ?? ''), running: true });
      await post(page, { type: 'notice', text: HOSTILE[1] ?? '' });
      await page.waitForSelector('.undeclared-node');
      await page.locator('.node.channel').hover();
      await page.waitForSelector('.tooltip:not([hidden])');
      assert.match((await page.textContent('.tooltip')) ?? '', /OrderPlaced \{id: string\}/);
      await assertInert(page);
      if (csp === 'on') assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
      await page.close();
    });
  }

  it('shows counts, invalid edges in the error colour, dead letters and undeclared clients dashed; a count opens the trace', async () => {
    const page = await openView();
    const view = hostileView();
    await post(page, { type: 'graph', view });
    await post(page, { type: 'traffic', traffic: trafficFor(view, 'fraud-detector'), running: true });
    await page.waitForSelector('.undeclared-edge .traffic');
    const facts = await page.evaluate(() => ({
      counts: [...document.querySelectorAll<SVGTextElement>('.edge .traffic')].map((label) => label.textContent),
      invalid: [...document.querySelectorAll<SVGGElement>('.edge.invalid')].map((edge) => edge.dataset.id),
      active: document.querySelectorAll('.edge.active').length,
      dlq: document.querySelector('.node.channel .dlq')?.textContent,
      undeclaredDash: getComputedStyle(document.querySelector('.undeclared-node rect') as Element).strokeDasharray,
      status: document.querySelector('.running')?.textContent,
    }));
    assert.deepEqual(facts.counts, ['7 msg · 0.7/s · 2 invalid', '5 msg · 0.5/s', '1 msg · 0.1/s']);
    assert.deepEqual(facts.invalid, [view.edges[0]?.id]);
    assert.equal(facts.active, 3);
    assert.equal(facts.dlq, 'DLQ 3');
    assert.notEqual(facts.undeclaredDash, 'none');
    assert.equal(facts.status, '● live');
    await page.locator('.edge .traffic').first().click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'openTrace', edgeId: view.edges[0]?.id });
    await page.close();
  });

  it('reveals on click and Enter, walks nodes with the arrow keys, filters, searches and exports what is visible', async () => {
    const page = await openView();
    const view = hostileView();
    await post(page, { type: 'graph', view });
    await page.locator('.node.channel').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', id: view.nodes[1]?.id });
    await page.locator('.edge').nth(1).locator('.hit').click({ force: true });
    assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', id: view.edges[1]?.id });

    await page.locator('.node.channel').focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => (document.activeElement as SVGGElement | null)?.dataset.id), view.nodes[2]?.id);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.evaluate(() => (document.activeElement as SVGGElement | null)?.dataset.id), view.nodes[0]?.id);
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', id: view.nodes[0]?.id });
    assert.equal(await page.locator('.node[tabindex="0"]').count(), 1, 'one node in the tab order');

    await page.selectOption('select[data-filter="server"]', 'mqtt');
    const shown = (): Promise<string[]> => page.evaluate(() => [...document.querySelectorAll<SVGGElement>('.node:not(.hidden), .edge:not(.hidden)')].map((element) => element.dataset.id ?? ''));
    assert.deepEqual(await shown(), [view.nodes[0]?.id, view.nodes[2]?.id]);
    await page.getByRole('button', { name: 'Export the visible map as SVG' }).click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'export', format: 'svg', visible: [view.nodes[0]?.id, view.nodes[2]?.id] });
    await page.selectOption('select[data-filter="server"]', '');
    await page.selectOption('select[data-filter="tag"]', 't1');
    assert.deepEqual(await shown(), [view.edges[0]?.id, view.nodes[0]?.id, view.nodes[1]?.id]);

    // The search finds the channel by a message name its hover lists.
    await page.fill('input[data-filter="search"]', 'orderplaced');
    assert.deepEqual(await page.evaluate(() => [...document.querySelectorAll<SVGGElement>('.node.match')].map((element) => element.dataset.id)), [view.nodes[1]?.id]);
    const state = await page.evaluate(() => (window as unknown as { __state: { filters: unknown } }).__state);
    assert.deepEqual(state.filters, { search: 'orderplaced', tag: 't1', server: '', application: '' });

    await post(page, { type: 'highlight', id: view.edges[0]?.id ?? '' });
    await page.waitForSelector('.edge.highlighted', { state: 'attached' });
    await post(page, { type: 'highlight', id: view.nodes[2]?.id ?? '' });
    await page.waitForSelector('.node.highlighted', { state: 'attached' });
    assert.equal(await page.locator('.highlighted').count(), 1);
    await page.close();
  });

  it('draws 1,000 channels and 200 applications once; panning and zooming only move one transform', async () => {
    const page = await openView();
    const nodes: FlowViewNode[] = [];
    const edges: FlowView['edges'] = [];
    for (let a = 0; a < 200; a++) nodes.push(node(`app:${a}`, 'application', 16, 16 + a * 60));
    for (let c = 0; c < 1000; c++) {
      nodes.push(node(`channel:${c}`, 'channel', 400 + (c % 5) * 200, 16 + Math.floor(c / 5) * 60));
      const app = `app:${c % 200}`;
      edges.push({ id: `${app}->channel:${c}`, from: app, to: `channel:${c}`, label: `M${c}`, points: [{ x: 136, y: 36 + (c % 200) * 60 }, { x: 400 + (c % 5) * 200, y: 36 + Math.floor(c / 5) * 60 }], brief: [`M${c}`] });
    }
    const view: FlowView = { title: 'Big', source: { scope: 'system' }, width: 1500, height: 12_100, nodes, edges, facets: { applications: [], tags: [], servers: [] } };
    await post(page, { type: 'graph', view });
    await page.waitForFunction(() => document.body.dataset.nodes === '1200');
    assert.equal(await page.locator('.node').count(), 1200);
    assert.equal(await page.locator('.edge').count(), 1000);
    // Mark every element; after panning and zooming the same elements must still be there, unchanged.
    await page.evaluate(() => document.querySelectorAll('.node, .edge').forEach((element) => ((element as unknown as { __mark: boolean }).__mark = true)));
    const before = await page.getAttribute('.viewport', 'transform');
    const surface = page.locator('.surface');
    const box = await surface.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width - 20, box.y + box.height - 20);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 220, box.y + box.height - 120, { steps: 5 });
    await page.mouse.up();
    await page.mouse.wheel(0, -300);
    await page.waitForFunction((previous) => document.querySelector('.viewport')?.getAttribute('transform') !== previous, before);
    const after = await page.evaluate(() => ({
      marked: [...document.querySelectorAll('.node, .edge')].filter((element) => (element as unknown as { __mark?: boolean }).__mark).length,
      transformed: [...document.querySelectorAll('[transform]')].map((element) => element.getAttribute('class')),
      viewport: (window as unknown as { __state: { viewport: { scale: number } } }).__state.viewport,
    }));
    assert.equal(after.marked, 2200);
    assert.deepEqual(after.transformed, ['viewport']);
    assert.ok(after.viewport.scale > 0);
    await page.close();
  });

  it('restores filters, pan and zoom from the saved state after a reload', async () => {
    const viewport = { x: -40, y: 12, scale: 0.5 };
    const page = await openView('', { source: { scope: 'system' }, filters: { search: '', tag: '', server: 'amqp', application: '' }, viewport });
    await post(page, { type: 'graph', view: hostileView() });
    await page.waitForFunction(() => document.querySelector('.viewport')?.getAttribute('transform') === 'translate(-40 12) scale(0.5)');
    assert.equal(await page.inputValue('select[data-filter="server"]'), 'amqp');
    assert.equal(await page.locator('.node:not(.hidden)').count(), 1);
    await page.close();
  });

  it('draws a PNG from the host\'s SVG and posts it back', async () => {
    const page = await openView();
    await post(page, { type: 'rasterize', requestId: 7, svg: '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#ff0000"/></svg>', width: 40, height: 20 });
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((message) => message.type === 'rasterized'));
    const message = (await posted(page)).find((candidate) => candidate.type === 'rasterized') as unknown as { requestId: number; dataUrl: string };
    assert.equal(message.requestId, 7);
    const png = Buffer.from(message.dataUrl.slice('data:image/png;base64,'.length), 'base64');
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    assert.equal(png.readUInt32BE(16), 80, 'drawn at twice the size');
    await page.close();
  });
});
