// Runs the integration suite inside a real VS Code extension host, offline: code-server with
// Eventscope's .vsix and the test-runner extension installed, opened by headless Chromium on a
// copy of examples/. Prints each test and a closing `N passed, N failed`; exits non-zero on failure.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchBrowser, ROOT, startCodeServer } from '../vscode/codeServer.mjs';

const TIMEOUT_MS = Number(process.env.EVENTSCOPE_INTEGRATION_TIMEOUT_MS ?? 10 * 60_000);
const vsix = process.argv[2] ?? path.join(ROOT, 'eventscope.vsix');
const runnerVsix = path.join(ROOT, 'out/test/integration-runner.vsix');
for (const file of [vsix, runnerVsix]) {
  if (!existsSync(file)) {
    console.error(`missing ${file}: run \`npm run package\` and \`node scripts/build-tests.mjs\``);
    process.exit(2);
  }
}

const scratch = mkdtempSync(path.join(tmpdir(), 'eventscope-integration-'));
const workspace = path.join(scratch, 'workspace');
cpSync(path.join(ROOT, 'examples'), workspace, { recursive: true });
const resultsFile = path.join(scratch, 'results.json');
const serverLog = [];

const server = await startCodeServer({
  extensions: [vsix, runnerVsix],
  workspace,
  env: { EVENTSCOPE_TEST_SUITE: path.join(ROOT, 'out/test/integration/suite.js'), EVENTSCOPE_TEST_RESULTS: resultsFile, EVENTSCOPE_REPO: ROOT },
  log: (line) => serverLog.push(line),
});
const browser = await launchBrowser();
let exitCode = 1;
try {
  // The extension host starts when a window connects; it then runs the suite on its own.
  const page = await browser.newPage();
  await page.goto(server.url);
  const deadline = Date.now() + TIMEOUT_MS;
  while (!existsSync(resultsFile)) {
    if (Date.now() > deadline) throw new Error(`no results after ${TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  for (const test of results.tests) {
    console.log(`${test.state === 'passed' ? '✔' : '✖'} ${test.title} (${test.durationMs} ms)`);
    if (test.error) console.log(test.error.replace(/^/gm, '    '));
  }
  console.log(`integration: ${results.passed} passed, ${results.failed} failed`);
  exitCode = results.failed === 0 && results.passed > 0 ? 0 : 1;
  if (exitCode !== 0) printExtensionLogs(server.home);
} catch (error) {
  console.error(`integration run failed: ${error.stack ?? error}`);
  console.error(serverLog.slice(-40).join('\n'));
} finally {
  await browser.close();
  await server.stop();
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(exitCode);

/** On failure, Eventscope's own log (its LogOutputChannel's file) says what the extension saw. */
function printExtensionLogs(home) {
  const files = readdirSync(home, { recursive: true }).filter((file) => String(file).endsWith('Eventscope.log'));
  for (const file of files) console.log(`--- ${file}\n${readFileSync(path.join(home, String(file)), 'utf8').split('\n').slice(-60).join('\n')}`);
}
