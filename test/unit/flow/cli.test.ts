import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { EXAMPLE_FILES, ROOT } from './support';

const run = promisify(execFile);
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', TSX, path.join(ROOT, 'src/cli/main.ts'), 'flow', ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const work = mkdtempSync(path.join(tmpdir(), 'eventscope-flow-'));

describe('eventscope flow', () => {
  it('writes the examples as Mermaid to stdout and as HTML and SVG to files', async () => {
    const mermaid = await cli([...EXAMPLE_FILES, '--format', 'mermaid']);
    assert.equal(mermaid.code, 0, mermaid.stderr);
    assert.match(mermaid.stdout, /^flowchart LR\n/);
    assert.match(mermaid.stdout, /\["Orders Service"\]/);
    assert.match(mermaid.stdout, /-->\|"PaymentCompleted, PaymentFailed"\|/);

    const html = path.join(work, 'system.html');
    const page = await cli([...EXAMPLE_FILES, '-o', html]);
    assert.equal(page.code, 0, page.stderr);
    assert.equal(page.stdout, '');
    assert.match(readFileSync(html, 'utf8'), /^<!doctype html>[\s\S]*<svg [\s\S]*>Payments Service<\/text>/);

    const svg = path.join(work, 'system.out');
    assert.equal((await cli([...EXAMPLE_FILES, '--format', 'svg', '--output', svg])).code, 0);
    assert.match(readFileSync(svg, 'utf8'), /^<svg /);
  });

  it('reports design findings on stderr and still exits 0', async () => {
    const { code, stderr } = await cli([EXAMPLE_FILES[0] as string, '--format', 'mermaid']);
    assert.equal(code, 0);
    assert.match(stderr, /^examples\/orders\/asyncapi\.yaml: warning flow-channel-not-received "shop\/orders\/\{orderId\}\/placed"/m);
  });

  it('exits 1 when a document cannot be loaded and 2 on a usage error', async () => {
    const notAsyncApi = path.join(work, 'other.yaml');
    writeFileSync(notAsyncApi, 'openapi: 3.1.0\n');
    const broken = await cli([EXAMPLE_FILES[0] as string, notAsyncApi]);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /not an AsyncAPI 2\.x or 3\.x document/);
    assert.equal(broken.stdout, '');
    assert.equal((await cli([path.join(work, 'missing.yaml')])).code, 1);
    assert.equal((await cli([])).code, 2);
    const badFormat = await cli([EXAMPLE_FILES[0] as string, '--format', 'png']);
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.stderr, /--format must be svg, mermaid or html/);
  });
});
