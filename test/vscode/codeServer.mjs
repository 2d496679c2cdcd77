// Starts code-server (installed by scripts/code-server/setup.sh) on a free loopback port with
// throwaway user-data and extensions folders, and drives it from Debian's Chromium with Playwright.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRY = path.join(ROOT, '.cache/code-server/node_modules/code-server/out/node/entry.js');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { redirect: 'manual' });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms`);
}

/**
 * @param {{ extensions: string[], workspace: string, env?: Record<string,string>, settings?: Record<string,unknown>, log?: (line: string) => void }} options
 *   extensions: .vsix files to install first; settings: user settings over the quiet defaults.
 */
export async function startCodeServer({ extensions, workspace, env = {}, settings = {}, log = () => {} }) {
  if (!existsSync(ENTRY)) throw new Error('code-server is not installed: run `bash scripts/code-server/setup.sh`');
  const home = mkdtempSync(path.join(tmpdir(), 'eventscope-code-server-'));
  const userData = path.join(home, 'user-data');
  const extensionsDir = path.join(home, 'extensions');
  // No walkthrough or tips covering the editor a test drives.
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, ...settings }));
  const common = ['--user-data-dir', userData, '--extensions-dir', extensionsDir];
  const childEnv = { ...process.env, ...env, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_DATA_HOME: path.join(home, 'data') };
  for (const vsix of extensions) {
    execFileSync(process.execPath, [ENTRY, ...common, '--install-extension', vsix, '--force'], { env: childEnv, stdio: 'pipe' });
  }
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [ENTRY, ...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-workspace-trust', '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', workspace],
    { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.on('data', (chunk) => log(String(chunk).trimEnd()));
  child.stderr.on('data', (chunk) => log(String(chunk).trimEnd()));
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`;
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, child, 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    port,
    home,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, without the background traffic this closed network refuses. */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
