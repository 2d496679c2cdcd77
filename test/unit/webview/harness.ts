import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { webviewHtml } from '../../../src/shared/webviewHtml';
import { ROOT } from '../helpers';

export interface WebviewHarness {
  browser: Browser;
  /** Serves the page with the webview's CSP; `?csp=off` serves it without, so only the view's own escaping stands between data and the DOM. */
  origin: string;
  close(): Promise<void>;
}

/** Builds the real webview bundles, serves one view's page as VS Code would render it, and starts headless Chromium. */
export async function startWebviewHarness(view: 'flow' | 'trace', title: string): Promise<WebviewHarness> {
  const outdir = mkdtempSync(path.join(tmpdir(), `eventscope-${view}-webview-`));
  const { webviewBundles } = (await import(pathToFileURL(path.join(ROOT, 'scripts/webviewBundles.mjs')).href)) as { webviewBundles: (options: { outdir: string }) => BuildOptions[] };
  await Promise.all(webviewBundles({ outdir }).map((options) => build({ ...options, absWorkingDir: ROOT, sourcemap: false })));
  let origin = '';
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname === `/${view}.js` || url.pathname === `/${view}.css`) {
      response.writeHead(200, { 'content-type': url.pathname.endsWith('.js') ? 'text/javascript' : 'text/css' });
      response.end(readFileSync(path.join(outdir, url.pathname.slice(1))));
      return;
    }
    const html = webviewHtml({ title, cspSource: origin, nonce: randomBytes(16).toString('base64'), scriptUri: `${origin}/${view}.js`, styleUri: `${origin}/${view}.css` });
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(url.searchParams.get('csp') === 'off' ? html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '') : html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  return {
    browser,
    origin,
    close: async () => {
      await browser.close();
      server.close();
    },
  };
}
