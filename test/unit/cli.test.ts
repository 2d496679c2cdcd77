import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { EXAMPLES, ROOT } from './helpers';

const run = promisify(execFile);
/** tsx by absolute URL, so the CLI can run from any working directory. */
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

async function cli(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', TSX, path.join(ROOT, 'src/cli/main.ts'), ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const work = mkdtempSync(path.join(tmpdir(), 'eventscope-cli-'));
const broken = path.join(work, 'broken.yaml');
writeFileSync(broken, 'asyncapi: 3.0.0\ninfo:\n  title: Broken\nchannels: {}\n');
const warned = path.join(work, 'warned.yaml');
writeFileSync(warned, 'asyncapi: 3.0.0\ninfo:\n  title: W\n  version: 1.0.0\nchannels:\n  lonely:\n    address: lonely\n');

describe('eventscope validate', () => {
  it('exits 0 on the examples and lists each file in JSON', async () => {
    const files = ['orders', 'payments', 'inventory', 'notifications'].map((name) => path.join(EXAMPLES, name, 'asyncapi.yaml'));
    const { code, stdout } = await cli(['validate', ...files, '--format', 'json']);
    assert.equal(code, 0);
    const report = JSON.parse(stdout) as { files: { file: string; valid: boolean; diagnostics: unknown[] }[] };
    assert.deepEqual(report.files.map((file) => file.file), files);
    assert.ok(report.files.every((file) => file.valid));
  });

  it('exits 1 on errors, with 0-based ranges and paths in JSON', async () => {
    const { code, stdout } = await cli(['validate', broken, '--format', 'json']);
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as { files: { valid: boolean; diagnostics: { severity: string; code: string; range: { start: { line: number } }; path: string[] }[] }[] };
    const missingVersion = report.files[0]?.diagnostics.find((diagnostic) => diagnostic.code === 'asyncapi-document-resolved');
    assert.equal(report.files[0]?.valid, false);
    assert.equal(missingVersion?.severity, 'error');
    assert.equal(missingVersion?.range.start.line, 1);
    assert.deepEqual(missingVersion?.path, ['info']);
  });

  it('--fail-on decides the exit code', async () => {
    assert.equal((await cli(['validate', warned])).code, 0);
    assert.equal((await cli(['validate', warned, '--fail-on', 'warning'])).code, 1);
    assert.equal((await cli(['validate', broken, '--fail-on', 'never'])).code, 0);
  });

  it('text output names file, line and column', async () => {
    const { stdout } = await cli(['validate', 'broken.yaml'], work);
    assert.match(stdout, /^broken\.yaml:2:\d+ error asyncapi-document-resolved "info" property must have required property "version"$/m);
  });

  it('writes SARIF 2.1.0 with relative URIs and 1-based regions', async () => {
    const { stdout } = await cli(['validate', 'broken.yaml', '--format', 'sarif'], work);
    const sarif = JSON.parse(stdout) as { version: string; runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    assert.equal(sarif.version, '2.1.0');
    const result = sarif.runs[0]?.results.find((candidate) => candidate.ruleId === 'asyncapi-document-resolved');
    assert.equal(result?.level, 'error');
    assert.equal(result?.locations[0]?.physicalLocation.artifactLocation.uri, 'broken.yaml');
    assert.equal(result?.locations[0]?.physicalLocation.region.startLine, 2);
    assert.ok(sarif.runs[0]?.tool.driver.rules.some((rule) => rule.id === 'asyncapi-document-resolved'));
  });

  it('exits 2 on usage errors and unreadable files', async () => {
    assert.equal((await cli(['validate'])).code, 2);
    assert.equal((await cli(['validate', broken, '--format', 'xml'])).code, 2);
    assert.equal((await cli(['frobnicate'])).code, 2);
    const missing = await cli(['validate', path.join(work, 'nope.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read/);
  });
});

describe('eventscope generate', () => {
  const orders = path.join(EXAMPLES, 'orders', 'asyncapi.yaml');

  it('exits 0 and writes the client, then 0 again with nothing written', async () => {
    const out = path.join(work, 'generated');
    const first = await cli(['generate', orders, '--out', out, '--transport', 'nats']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /nats client in .*: 10 written, 0 unchanged/);
    assert.ok(existsSync(path.join(out, 'natsTransport.ts')));
    const again = await cli(['generate', orders, '--out', out, '--transport', 'nats']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /0 written, 10 unchanged/);
  });

  it('exits 1 when the document has errors, writing nothing', async () => {
    const out = path.join(work, 'refused');
    const { code, stderr } = await cli(['generate', broken, '--out', out]);
    assert.equal(code, 1);
    assert.match(stderr, /the document has errors/);
    assert.ok(!existsSync(out));
  });

  it('exits 2 on usage errors, an unreadable document and hand-written files in the way', async () => {
    assert.equal((await cli(['generate', orders])).code, 2);
    assert.equal((await cli(['generate', '--out', work])).code, 2);
    assert.equal((await cli(['generate', orders, '--out', work, '--transport', 'carrier-pigeon'])).code, 2);
    assert.equal((await cli(['generate', path.join(work, 'nope.yaml'), '--out', work])).code, 2);
    const out = mkdtempSync(path.join(work, 'mine-'));
    writeFileSync(path.join(out, 'client.ts'), 'export const mine = true;\n');
    const inTheWay = await cli(['generate', orders, '--out', out]);
    assert.equal(inTheWay.code, 2);
    assert.match(inTheWay.stderr, /not generated by Eventscope, so not overwritten: .*client\.ts/);
    assert.equal(readFileSync(path.join(out, 'client.ts'), 'utf8'), 'export const mine = true;\n');
  });
});
