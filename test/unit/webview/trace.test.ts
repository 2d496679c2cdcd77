import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { HostToView, TraceDetail, TraceRow } from '../../../src/shared/traceProtocol';
import { startWebviewHarness, type WebviewHarness } from './harness';

/**
 * The trace webview's real bundle in headless Chromium, on a page with the webview's CSP (and, to prove the
 * escaping itself, once without it), fed the messages the extension host would post.
 */

const HOSTILE = [
  '<img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script>',
  '<svg onload="window.__pwned=3"></svg>',
  '"><iframe srcdoc="<script>parent.__pwned=4</script>">',
];

let harness: WebviewHarness | undefined;
let browser: Browser;
let origin: string;

/**
 * The acquireVsCodeApi stub VS Code would inject, recording what the view posts and saves. A string, because
 * tsx's transform adds helpers to functions that would not exist in the page.
 */
const STUB_VSCODE_API = `
  window.__posted = [];
  window.__violations = [];
  let state;
  window.acquireVsCodeApi = () => ({
    postMessage: (message) => window.__posted.push(message),
    getState: () => state,
    setState: (next) => { state = next; window.__state = next; },
  });
  document.addEventListener('securitypolicyviolation', (event) => window.__violations.push(event.violatedDirective + ' ' + event.blockedURI));
`;

before(async () => {
  harness = await startWebviewHarness('trace', 'Eventscope Trace');
  browser = harness.browser;
  origin = harness.origin;
});

after(async () => {
  await harness?.close();
});

async function openView(query = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
  await page.addInitScript(STUB_VSCODE_API);
  await page.goto(`${origin}/${query}`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((message) => message.type === 'ready'));
  return page;
}

/** As a JSON string: Playwright's own argument serialization is slow for 100,000 rows. */
function post(page: Page, message: HostToView): Promise<void> {
  return page.evaluate((json) => window.postMessage(JSON.parse(json), '*'), JSON.stringify(message));
}

function row(n: number, overrides: Partial<TraceRow> = {}): TraceRow {
  return {
    id: `r-${n}`,
    time: 1_700_000_000_000 + n,
    topic: `shop/orders/ORD-${n}/placed`,
    channel: `shop/channel-${n % 10}`,
    message: n % 2 === 0 ? 'OrderPlaced' : 'PaymentRequested',
    producer: `service-${n % 3}`,
    consumers: [`consumer-${n % 4}`],
    valid: n % 7 !== 0,
    disposition: 'delivered',
    correlation: `corr-${n % 50}`,
    size: 120,
    duplicate: false,
    ...overrides,
  };
}

function hostileDetail(id: string): TraceDetail {
  return {
    id,
    facts: HOSTILE.map((text, n) => [`fact ${n} ${text}`, text]),
    payload: JSON.stringify({ note: HOSTILE[0], script: HOSTILE[1] }, null, 2),
    headers: JSON.stringify({ 'x-evil': HOSTILE[2] }),
    errors: HOSTILE.map((text) => ({ text: `payload/note: ${text}`, linked: true })),
    sequence: {
      participants: [HOSTILE[0] ?? '', HOSTILE[1] ?? ''],
      arrows: [{ recordId: id, from: 0, to: 1, label: HOSTILE[2] ?? '', sincePrevious: 3, valid: false, undelivered: false }],
    },
    chainKey: HOSTILE[3],
  };
}

async function renderHostile(page: Page): Promise<void> {
  const id = HOSTILE[0] ?? '';
  await post(page, { type: 'reset', running: true, rows: [row(1, { id, topic: HOSTILE[0] ?? '', channel: HOSTILE[1], message: HOSTILE[2], producer: HOSTILE[3] ?? '', consumers: HOSTILE, correlation: HOSTILE[0] })] });
  await page.locator('.row').first().click();
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((message) => message.type === 'select'));
  await post(page, { type: 'detail', detail: hostileDetail(id) });
  await post(page, { type: 'notice', text: HOSTILE[1] ?? '' });
  await page.waitForSelector('.detail pre.payload');
}

async function assertInert(page: Page): Promise<void> {
  const result = await page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: number }).__pwned,
    images: document.querySelectorAll('img').length,
    iframes: document.querySelectorAll('iframe').length,
    scripts: document.querySelectorAll('script').length,
    text: document.body.textContent ?? '',
  }));
  assert.equal(result.pwned, undefined, 'a payload ran script');
  assert.equal(result.images, 0);
  assert.equal(result.iframes, 0);
  assert.equal(result.scripts, 1, 'only the bundle itself is a script element');
  for (const text of HOSTILE) assert.ok(result.text.includes(text), `shown literally: ${text}`);
}

describe('trace webview in Chromium', () => {
  it('shows hostile payloads, headers, errors and chain names as text and runs none of them, under the CSP', async () => {
    const page = await openView();
    await renderHostile(page);
    await assertInert(page);
    // The webview's own bundle and stylesheet load without breaking its CSP.
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
    await page.close();
  });

  it('escapes them itself: nothing runs even without the CSP', async () => {
    const page = await openView('?csp=off');
    await renderHostile(page);
    await assertInert(page);
    await page.close();
  });

  it('posts openError with the record and error index when an error link is clicked, and replay from the detail', async () => {
    const page = await openView();
    await renderHostile(page);
    await page.locator('.errors button.link').nth(2).click();
    await page.locator('button.action', { hasText: 'Replay' }).click();
    const posted = await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
    assert.deepEqual(posted.slice(-2), [
      { type: 'openError', id: HOSTILE[0], index: 2 },
      { type: 'replay', id: HOSTILE[0] },
    ]);
    await page.close();
  });

  it('renders 100,000 events with a bounded number of row elements, scrolls to the last, and filters', async () => {
    const page = await openView();
    const rows = Array.from({ length: 100_000 }, (_, n) => row(n));
    await post(page, { type: 'reset', running: true, rows });
    await page.waitForFunction(() => document.querySelector('.count')?.textContent === '100000 events');
    const rendered = (): Promise<number> => page.evaluate(() => document.querySelectorAll('.row').length);
    assert.ok((await rendered()) < 80, `${await rendered()} row elements for 100,000 events`);

    await page.evaluate(() => {
      const viewport = document.querySelector('.viewport') as HTMLElement;
      viewport.scrollTop = viewport.scrollHeight;
    });
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.row:not([hidden])')].some((element) => element.dataset.id === 'r-99999'));
    assert.ok((await rendered()) < 80);

    await page.fill('input[data-filter="channel"]', 'channel-3');
    await page.selectOption('select[data-filter="validity"]', 'invalid');
    const expected = rows.filter((candidate) => candidate.channel === 'shop/channel-3' && !candidate.valid).length;
    await page.waitForFunction((count) => document.querySelector('.count')?.textContent === `${count} of 100000 events`, expected);
    // Rows are drawn on the next animation frame; then only matching ones are on screen.
    await page.waitForFunction(() => {
      const shown = [...document.querySelectorAll<HTMLElement>('.row:not([hidden]) .channel')].map((cell) => cell.textContent);
      return shown.length > 0 && shown.every((text) => text === 'shop/channel-3');
    });
    const state = await page.evaluate(() => (window as unknown as { __state: { filters: { channel: string; validity: string } } }).__state);
    assert.equal(state.filters.channel, 'channel-3');
    assert.equal(state.filters.validity, 'invalid');

    // The host sets filters (the flow map opening one edge's trace): the inputs show them and the table follows.
    await post(page, { type: 'filter', filters: { channel: 'channel-4', message: 'OrderPlaced' } });
    const filtered = rows.filter((candidate) => candidate.channel === 'shop/channel-4' && candidate.message === 'OrderPlaced').length;
    await page.waitForFunction((count) => document.querySelector('.count')?.textContent === `${count} of 100000 events`, filtered);
    assert.equal(await page.inputValue('input[data-filter="channel"]'), 'channel-4');
    assert.equal(await page.inputValue('select[data-filter="validity"]'), 'all');
    await post(page, { type: 'filter', filters: { channel: 'channel-3', validity: 'invalid' } });

    // Live appends land in the table while filters hold.
    await post(page, { type: 'append', rows: [row(100_003, { id: 'late', channel: 'shop/channel-3', valid: false })] });
    await page.waitForFunction((count) => document.querySelector('.count')?.textContent === `${count + 1} of 100001 events`, expected);
    await page.close();
  });
});
