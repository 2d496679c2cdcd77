// End to end, as a person: a real browser drives a real VS Code (code-server) with the packaged
// Eventscope installed, opens a corpus document, types an error, and reads the Problems panel; then the
// system map of examples/ (see flow.mjs).
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchBrowser, ROOT, startCodeServer } from '../vscode/codeServer.mjs';
import { systemFlow } from './flow.mjs';
import { VsCodePage } from './vscodePage.mjs';

const vsix = process.argv[2] ?? path.join(ROOT, 'eventscope.vsix');
const results = path.join(ROOT, 'test-results');
mkdirSync(results, { recursive: true });

const scratch = mkdtempSync(path.join(tmpdir(), 'eventscope-e2e-'));
const workspace = path.join(scratch, 'workspace');
cpSync(path.join(ROOT, 'examples'), workspace, { recursive: true });
const documentName = 'streetlights-mqtt-asyncapi.yml';
copyFileSync(path.join(ROOT, 'test/fixtures/corpus/v3', documentName), path.join(workspace, documentName));
// The quoted address on line 67 gains a parameter its channel does not declare.
const ADDRESS_LINE = 67;

/** A port nobody listens on, for the broker's HTTP endpoint the test publishes to. */
const httpPort = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const server = await startCodeServer({
  extensions: [vsix],
  workspace,
  settings: { 'eventscope.broker.mqttPort': 0, 'eventscope.broker.wsPort': 0, 'eventscope.broker.httpPort': httpPort },
});
const browser = await launchBrowser();
let passed = 0;
let failed = 0;
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
try {
  const vscode = new VsCodePage(page);
  await page.goto(server.url);
  await vscode.waitForWorkbench();
  await vscode.openFile(documentName);
  await vscode.goToLineEnd(ADDRESS_LINE);
  await page.keyboard.press('ArrowLeft'); // inside the closing quote
  await vscode.type('/{zone}');
  const { match } = await vscode.waitForProblem(/Address parameter "\{zone\}"/);
  assert.match(match, new RegExp(`Ln ${ADDRESS_LINE}\\b|line ${ADDRESS_LINE}\\b`, 'i'), `the problem is on line ${ADDRESS_LINE}: ${match}`);
  // The screenshot must show what the DOM says: a red squiggle under the edited address.
  const squiggle = page.locator('.monaco-editor .squiggly-error').first();
  await squiggle.waitFor();
  const box = await squiggle.boundingBox();
  const png = await vscode.screenshot(path.join(results, 'e2e-problems-panel.png'));
  const region = { x: Math.floor(box.x), y: Math.floor(box.y), width: Math.ceil(box.width), height: Math.max(1, Math.ceil(box.height)) };
  const redPixels = await vscode.countErrorRedPixels(png, region);
  assert.ok(redPixels > box.width / 4, `the screenshot shows a red squiggle under the address (${redPixels} red pixels over ${region.width}px)`);
  console.log(`✔ typing an undeclared parameter shows it in the Problems panel on line ${ADDRESS_LINE}, squiggled in the screenshot`);
  passed++;

  await vscode.applyQuickFix('Declare parameter "zone"');
  await vscode.waitForNoProblem(/Address parameter "\{zone\}"/);
  // The declaration lands under the channel's existing `parameters`, above `streetlightId`.
  await vscode.goToLineEnd(ADDRESS_LINE + 7);
  const declared = await page.locator('.monaco-editor .view-line').evaluateAll((lines) => lines.map((line) => line.textContent.replace(/\u00a0/g, ' ')));
  assert.ok(declared.some((line) => /^\s{6}zone:\s*$/.test(line)), `the quick fix declared the parameter in the editor: ${JSON.stringify(declared)}`);
  await vscode.screenshot(path.join(results, 'e2e-quick-fix.png'));
  console.log('✔ the "Declare parameter" quick fix clears the problem');
  passed++;

  await systemFlow({
    page,
    vscode,
    workspace,
    results,
    httpPort,
    step: (text) => {
      console.log(`✔ ${text}`);
      passed++;
    },
  });
} catch (error) {
  failed++;
  console.error(`✖ ${error.stack ?? error}`);
  await page.screenshot({ path: path.join(results, 'e2e-failure.png') }).catch(() => {});
} finally {
  await browser.close();
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
