// The system map in a real VS Code, as a person uses it: open it from the command palette, read it in
// the webview's DOM and on a screenshot, click a channel to reach its definition, watch live counts rise
// while events pass through the broker, and export the map as SVG.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';

const SERVICES = ['Orders Service', 'Payments Service', 'Inventory Service', 'Notifications Service'];
const CHANNELS = ['shop/orders/{orderId}/placed', 'shop/payments/requests', 'shop/payments/replies', 'shop/orders/{orderId}/confirmed', 'shop/orders/{orderId}/cancelled', 'inventory.reserve', 'inventory.reserve.dlq'];
const PLACED_EDGE = 'app:Orders Service->channel:shop/orders/{}/placed';

/** The map as the webview's DOM has it: visible nodes with their labels and rectangles. */
function readMap(frame) {
  return frame.evaluate(() =>
    [...document.querySelectorAll('.nodes .node:not(.hidden)')].map((node) => {
      const rect = node.querySelector('rect');
      return { id: node.dataset.id, kind: node.classList.contains('application') ? 'application' : 'channel', label: node.querySelector('text')?.textContent, x: Number(rect.getAttribute('x')), y: Number(rect.getAttribute('y')) };
    }),
  );
}

export async function systemFlow({ page, vscode, workspace, results, httpPort, step }) {
  await vscode.runCommand('Eventscope: Show System Flow');
  const frame = await vscode.webviewFrame('.nodes .node');
  await frame.waitForFunction((count) => document.querySelectorAll('.nodes .node.application').length >= count, SERVICES.length);
  const nodes = await readMap(frame);
  const labels = (kind) => nodes.filter((node) => node.kind === kind).map((node) => node.label);
  for (const service of SERVICES) assert.ok(labels('application').includes(service), `the map shows ${service}: ${JSON.stringify(labels('application'))}`);
  for (const channel of CHANNELS) assert.ok(labels('channel').includes(channel), `the map shows ${channel}: ${JSON.stringify(labels('channel'))}`);
  // One node per shared address, however many documents declare it.
  assert.equal(labels('channel').filter((label) => label === 'shop/orders/{orderId}/placed').length, 1);

  // The screenshot must show what the DOM says: the Orders Service box drawn in its stroke colour, at 1:1
  // (found by the search, Enter focuses it, `1` is actual size around it).
  await frame.fill('input[data-filter="search"]', 'Orders Service');
  await frame.press('input[data-filter="search"]', 'Enter');
  await frame.waitForFunction(() => document.activeElement?.classList.contains('node'));
  // Pressed on the node Enter focused: `press` gives it the focus again first, in case the workbench took
  // the page's focus meanwhile (a key sent to the page would go there).
  const focusedNode = await frame.evaluateHandle(() => document.activeElement);
  await focusedNode.asElement().press('1');
  await frame.waitForFunction(() => / scale\(1\)$/.test(document.querySelector('.viewport')?.getAttribute('transform') ?? ''));
  const orders = frame.locator('.node.application', { hasText: 'Orders Service' }).first();
  const box = await orders.locator('rect').boundingBox();
  const stroke = await orders.locator('rect').evaluate((rect) => getComputedStyle(rect).stroke);
  const png = await vscode.screenshot(path.join(results, 'e2e-system-flow.png'));
  const region = { x: Math.floor(box.x) - 2, y: Math.floor(box.y) - 2, width: Math.ceil(box.width) + 4, height: Math.ceil(box.height) + 4 };
  const outline = await vscode.countPixels(png, region, stroke);
  assert.ok(outline > box.width, `the screenshot shows the Orders Service box outlined in ${stroke} (${outline} pixels around ${Math.round(box.width)}×${Math.round(box.height)})`);
  await frame.fill('input[data-filter="search"]', '');
  await frame.getByRole('button', { name: 'Fit the map to the view' }).click();
  step(`the system map shows the ${SERVICES.length} services and their ${CHANNELS.length} channels, in the DOM and on the screenshot`);

  // A click on a channel opens the document that declares it, on the channel's key.
  await frame.locator('.node.channel', { hasText: 'shop/payments/requests' }).first().click();
  await page.locator('.tab.active[aria-label*="asyncapi.yaml"]').waitFor({ timeout: 30_000 });
  const ordersText = readFileSync(path.join(workspace, 'orders/asyncapi.yaml'), 'utf8').split('\n');
  const keyLine = ordersText.findIndex((line, index) => ordersText[index + 1]?.trim() === 'address: shop/payments/requests') + 1;
  await page
    .waitForFunction((line) => new RegExp(`Ln ${line}\\b`).test(document.querySelector('.statusbar-item[id="status.editor.selection"]')?.textContent ?? ''), keyLine, { timeout: 30_000 })
    .catch(() => undefined);
  assert.equal(await vscode.cursorLine(), keyLine, `the click revealed line ${keyLine} (paymentRequests:)`);
  // The breadcrumbs of the focused editor name the file's folder and, once the outline is computed, the symbol at the cursor.
  const breadcrumbs = '.editor-group-container.active .breadcrumbs-control';
  await page.waitForFunction((selector) => /paymentRequests/.test(document.querySelector(selector)?.textContent ?? ''), breadcrumbs, { timeout: 30_000 }).catch(() => undefined);
  const crumbs = await page.locator(breadcrumbs).first().textContent();
  assert.match(crumbs, /orders.*asyncapi\.yaml.*paymentRequests/, `the orders document is open at the channel: ${crumbs}`);
  step(`clicking the shop/payments/requests channel reveals its declaration on line ${keyLine}`);

  // Live traffic: the broker from the command, events over its HTTP endpoint, counts rising on the edge.
  await vscode.runCommand('Eventscope: Start Broker');
  await frame.waitForFunction(() => document.querySelector('.running')?.textContent === '● live', undefined, { timeout: 60_000 });
  const components = load(readFileSync(path.join(workspace, 'common/components.yaml'), 'utf8'));
  const example = components.components.messages.OrderPlaced.examples[0];
  const publish = async (payload) => {
    const response = await fetch(`http://127.0.0.1:${httpPort}/publish/shop/orders/${example.payload.orderId}/placed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-eventscope-client': 'orders-service-1', ...Object.fromEntries(Object.entries(example.headers).map(([name, value]) => [name, String(value)])) },
      body: JSON.stringify(payload),
    });
    assert.ok(response.status < 300, `publish answered ${response.status}`);
  };
  const countOn = (edge) => frame.evaluate((id) => Number([...document.querySelectorAll('.edge')].find((element) => element.dataset.id === id)?.querySelector('.traffic')?.dataset.count ?? 0), edge);
  await publish(example.payload);
  await frame.waitForFunction((id) => [...document.querySelectorAll('.edge')].some((element) => element.dataset.id === id && element.querySelector('.traffic')?.dataset.count === '1'), PLACED_EDGE, { timeout: 60_000 });
  await publish(example.payload);
  await publish({ ...example.payload, orderId: 42 });
  await frame.waitForFunction((id) => [...document.querySelectorAll('.edge')].some((element) => element.dataset.id === id && element.querySelector('.traffic')?.dataset.count === '3'), PLACED_EDGE, { timeout: 60_000 });
  const edge = frame.locator(`.edge[data-id="${PLACED_EDGE}"]`);
  assert.equal(await countOn(PLACED_EDGE), 3);
  assert.equal(await edge.locator('.traffic').getAttribute('data-invalid'), '1');
  assert.match(await edge.getAttribute('class'), /\binvalid\b/, 'the edge that carried an invalid event is in the error colour');
  const errorColour = await edge.locator('.line').evaluate((line) => getComputedStyle(line).stroke);
  // The theme's error colour, resolved the same way (CSSOM styles are allowed under the CSP).
  const themeError = await frame.evaluate(() => {
    const probe = document.createElement('span');
    probe.style.color = 'var(--vscode-errorForeground)';
    document.body.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  });
  assert.equal(errorColour, themeError, 'the invalid edge has the theme\'s error colour');
  await vscode.screenshot(path.join(results, 'e2e-system-flow-live.png'));
  step(`live counts rise on the Orders → placed edge while events pass (3, one invalid, in ${errorColour})`);

  // Export: the SVG button, the save dialog's proposed file, then the file against the view.
  await frame.getByRole('button', { name: 'Export the visible map as SVG' }).click();
  const input = page.locator('.quick-input-widget .quick-input-box input').first();
  await input.waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 30_000 });
  await frame.waitForFunction(() => /Exported .*system-flow\.svg/.test(document.querySelector('.notice')?.textContent ?? ''), undefined, { timeout: 30_000 });
  const file = path.join(workspace, 'system-flow.svg');
  assert.ok(existsSync(file), `${file} was written`);
  const svg = readFileSync(file, 'utf8');
  const unescape = (text) => text.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));
  const exported = [...svg.matchAll(/<g class="(application|channel)" data-id="([^"]+)"><title>[^<]*<\/title>\n<rect x="([\d.-]+)" y="([\d.-]+)"/g)].map((match) => ({ id: unescape(match[2]), x: Number(match[3]), y: Number(match[4]) }));
  const shown = (await readMap(frame)).map(({ id, x, y }) => ({ id, x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10 }));
  const byId = (a, b) => (a.id < b.id ? -1 : 1);
  assert.deepEqual(exported.sort(byId), shown.sort(byId), 'the exported SVG has the nodes of the view, at the same places');
  step(`the SVG export has the view's ${shown.length} nodes at the same positions`);
}
