import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { CORPUS, ROOT } from '../helpers';

const run = promisify(execFile);
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

async function cli(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', TSX, path.join(ROOT, 'src/cli/main.ts'), 'diff', ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const document = (version: string, payloadRef: string): string => `asyncapi: 3.0.0
info:
  title: Orders
  version: ${version}
channels:
  orders:
    address: orders
    messages:
      orderPlaced:
        payload:
          $ref: '${payloadRef}'
operations:
  placeOrder:
    action: receive
    channel:
      $ref: '#/channels/orders'
`;
const schema = (required: boolean): string => `Order:
  type: object
  properties:
    id:
      type: string
${required ? '  required: [id]\n' : ''}`;

const work = mkdtempSync(path.join(tmpdir(), 'eventscope-diff-'));
const oldFile = path.join(work, 'old.yaml');
const newFile = path.join(work, 'new.yaml');
writeFileSync(path.join(work, 'schemas-old.yaml'), schema(false));
writeFileSync(path.join(work, 'schemas-new.yaml'), schema(true));
writeFileSync(oldFile, document('1.0.0', './schemas-old.yaml#/Order'));
writeFileSync(newFile, document('1.1.0', './schemas-new.yaml#/Order'));

interface JsonReport {
  changes: { class: string; rule: string; path: string; message: string; help: string; oldRange?: { file: string; pointer: string }; newRange?: { file: string; pointer: string } }[];
  summary: { breaking: number; nonBreaking: number; unclassified: number };
  requiredBump: string;
  versionOk: boolean;
}

describe('eventscope diff', () => {
  it('prints the JSON report and exits 1 on a breaking change', async () => {
    const { code, stdout } = await cli([oldFile, newFile, '--format', 'json']);
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as JsonReport;
    assert.deepEqual(Object.keys(report), ['changes', 'summary', 'requiredBump', 'versionOk']);
    assert.deepEqual(report.changes, [
      {
        class: 'breaking',
        rule: 'required-added',
        path: '/Order/required',
        message: '"id" is now required',
        help: 'A property is now required: messages without it are rejected.',
        oldRange: { file: path.relative(ROOT, path.join(work, 'schemas-old.yaml')), pointer: '/Order/required', range: { start: { line: 1, column: 1 }, end: { line: 1, column: 6 } } },
        newRange: { file: path.relative(ROOT, path.join(work, 'schemas-new.yaml')), pointer: '/Order/required', range: { start: { line: 6, column: 13 }, end: { line: 6, column: 17 } } },
      },
    ]);
    assert.deepEqual(report.summary, { breaking: 1, nonBreaking: 0, unclassified: 0 });
    assert.equal(report.requiredBump, 'major');
    assert.equal(report.versionOk, false);
  });

  it('--fail-on never exits 0; --mode forward finds narrowing safe', async () => {
    assert.equal((await cli([oldFile, newFile, '--fail-on', 'never'])).code, 0);
    const forward = await cli([oldFile, newFile, '--mode', 'forward', '--format', 'json']);
    assert.equal(forward.code, 0);
    assert.equal((JSON.parse(forward.stdout) as JsonReport).summary.nonBreaking, 1);
  });

  it('writes markdown for a pull request and SARIF for code scanning', async () => {
    const markdown = await cli([oldFile, newFile, '--format', 'markdown']);
    assert.match(markdown.stdout, /^### ❌ Breaking changes/);
    assert.match(markdown.stdout, /\| `required-added` \| "id" is now required — e\.g\. \{\} is accepted only by the old version \| `[^`]*schemas-new\.yaml:\d+:\d+` \| receive placeOrder › orderPlaced \|/);
    const sarif = JSON.parse((await cli([oldFile, newFile, '--format', 'sarif'], work)).stdout) as { runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const result = sarif.runs[0]?.results[0];
    assert.equal(result?.ruleId, 'required-added');
    assert.equal(result?.level, 'error');
    assert.equal(result?.locations[0]?.physicalLocation.artifactLocation.uri, 'schemas-new.yaml');
  });

  it('exits 2 on usage errors and unreadable files', async () => {
    assert.equal((await cli([oldFile])).code, 2);
    assert.equal((await cli([oldFile, newFile, '--mode', 'sideways'])).code, 2);
    assert.equal((await cli([oldFile, newFile, '--format', 'xml'])).code, 2);
    const missing = await cli([oldFile, path.join(work, 'missing.yaml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read/);
  });

  it('honors .eventscope.yaml rule overrides', async () => {
    const project = path.join(work, 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, '.eventscope.yaml'), 'diff:\n  rules:\n    required-added: non-breaking\n');
    const { code, stdout } = await cli([oldFile, newFile, '--format', 'json'], project);
    assert.equal(code, 0);
    assert.equal((JSON.parse(stdout) as JsonReport).changes[0]?.class, 'non-breaking');
  });

  it('points a removal at the removed node in the old version', async () => {
    const withOrder = (extra: string): string => document('1.0.0', '#/components/schemas/Order') + `components:\n  schemas:\n    Order:\n      type: object\n      properties:\n        id:\n          type: string\n${extra}`;
    const before = path.join(work, 'removal-old.yaml');
    const after = path.join(work, 'removal-new.yaml');
    writeFileSync(before, withOrder('        note:\n          type: string\n      additionalProperties: false\n'));
    writeFileSync(after, withOrder('      additionalProperties: false\n'));
    const { stdout } = await cli([before, after, '--format', 'json']);
    const removed = (JSON.parse(stdout) as JsonReport).changes.find((change) => change.rule === 'property-removed');
    assert.equal(removed?.path, '/components/schemas/Order/properties/note');
    assert.equal(removed?.oldRange?.pointer, '/components/schemas/Order/properties/note');
    assert.equal(removed?.newRange?.pointer, '/components/schemas/Order/properties');
    const text = await cli([before, after]);
    assert.match(text.stdout, /removal-old\.yaml:\d+:\d+ breaking property-removed/);
  });

  it('refuses an invalid x-eventscope-compatibility (exit 2), naming the valid modes', async () => {
    const invalid = path.join(work, 'invalid-mode.yaml');
    writeFileSync(invalid, document('1.1.0', './schemas-new.yaml#/Order').replace('asyncapi: 3.0.0', 'asyncapi: 3.0.0\nx-eventscope-compatibility: backwards'));
    const { code, stderr } = await cli([oldFile, invalid]);
    assert.equal(code, 2);
    assert.match(stderr, /x-eventscope-compatibility "backwards" is not a compatibility mode; use one of role, backward, forward, full/);
  });

  it('refuses a .eventscope.yaml with a misspelt rule (exit 2), naming the closest rule', async () => {
    const project = path.join(work, 'misspelt');
    mkdirSync(project);
    writeFileSync(path.join(project, '.eventscope.yaml'), 'diff:\n  rules:\n    required-add: non-breaking\n');
    const { code, stderr } = await cli([oldFile, newFile], project);
    assert.equal(code, 2);
    assert.match(stderr, /"required-add" is neither a rule nor a category \(did you mean "required-added"\?\)/);
  });

  it('compares every earlier version in a folder under a transitive mode', async () => {
    const versions = path.join(work, 'versions');
    mkdirSync(versions);
    // 1.0.0 has an enum; 1.1.0 dropped it; the newest keeps 1.1.0's payload: only 1.0.0 sees the widening.
    writeFileSync(path.join(versions, 'a.yaml'), document('1.0.0', '#/components/schemas/Order') + 'components:\n  schemas:\n    Order:\n      type: string\n      enum: [a]\n');
    writeFileSync(path.join(versions, 'b.yaml'), document('1.1.0', '#/components/schemas/Order') + 'components:\n  schemas:\n    Order:\n      type: string\n');
    const latest = path.join(work, 'latest.yaml');
    writeFileSync(latest, document('1.2.0', '#/components/schemas/Order') + 'components:\n  schemas:\n    Order:\n      type: string\n');
    const plain = await cli([versions, latest, '--mode', 'forward', '--format', 'json']);
    assert.deepEqual((JSON.parse(plain.stdout) as JsonReport).changes, []);
    const transitive = await cli([versions, latest, '--mode', 'forward-transitive', '--format', 'json']);
    assert.equal(transitive.code, 1);
    assert.deepEqual((JSON.parse(transitive.stdout) as JsonReport).changes.map((change) => change.rule), ['enum-widened']);
  });
});

describe('eventscope diff --git', () => {
  const repo = mkdtempSync(path.join(tmpdir(), 'eventscope-diff-git-'));
  const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, encoding: 'utf8' });
  const file = path.join(repo, 'api', 'asyncapi.yaml');
  mkdirSync(path.join(repo, 'api'));
  git('init', '-q');
  writeFileSync(file, document('1.0.0', './schemas.yaml#/Order'));
  writeFileSync(path.join(repo, 'api', 'schemas.yaml'), schema(false));
  git('add', '.');
  git('commit', '-qm', 'v1');

  it('reads the document and its referenced files from the revision', async () => {
    // Only the referenced file changes: the old side must read it from HEAD, not from disk.
    writeFileSync(path.join(repo, 'api', 'schemas.yaml'), schema(true));
    const { code, stdout } = await cli(['--git', 'HEAD', file, '--format', 'json'], repo);
    assert.equal(code, 1);
    assert.deepEqual((JSON.parse(stdout) as JsonReport).changes.map((change) => change.rule), ['required-added']);
  });

  it('checks the whole history of the file under a transitive mode', async () => {
    writeFileSync(path.join(repo, 'api', 'schemas.yaml'), schema(true));
    git('add', '.');
    git('commit', '-qm', 'v2 requires id');
    writeFileSync(path.join(repo, 'api', 'schemas.yaml'), schema(true));
    const last = await cli(['--git', 'HEAD', file, '--format', 'json'], repo);
    assert.deepEqual((JSON.parse(last.stdout) as JsonReport).changes, []);
    const history = await cli(['--git', 'HEAD', file, '--mode', 'backward-transitive', '--format', 'json'], repo);
    assert.deepEqual((JSON.parse(history.stdout) as JsonReport).changes.map((change) => change.rule), ['required-added']);
  });

  it('exits 2 for an unknown revision or a file outside any repository', async () => {
    assert.equal((await cli(['--git', 'no-such-rev', file], repo)).code, 2);
    const outside = mkdtempSync(path.join(tmpdir(), 'eventscope-no-git-'));
    writeFileSync(path.join(outside, 'asyncapi.yaml'), readFileSync(path.join(CORPUS, 'v3', 'simple-asyncapi.yml')));
    assert.equal((await cli(['--git', 'HEAD', path.join(outside, 'asyncapi.yaml')], outside)).code, 2);
  });
});

describe('eventscope diff --git, transitive over $ref\'d files', () => {
  const repo = mkdtempSync(path.join(tmpdir(), 'eventscope-diff-history-'));
  const git = (...args: string[]): string => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, encoding: 'utf8' });
  const file = path.join(repo, 'asyncapi.yaml');
  const schemas = path.join(repo, 'schemas.yaml');
  const statusSchema = (values: string[]): string => `Order:\n  type: string\n  enum: [${values.join(', ')}]\n`;
  git('init', '-q');
  writeFileSync(file, document('1.0.0', './schemas.yaml#/Order'));
  writeFileSync(schemas, statusSchema(['a']));
  git('add', '.');
  git('commit', '-qm', 'v1');
  // The second commit changes only the referenced file: a history of the root file alone never sees it.
  writeFileSync(schemas, statusSchema(['a', 'b']));
  git('add', '.');
  git('commit', '-qm', 'v2 widens the enum');

  it('checks commits that changed only a referenced file, and the revision itself', async () => {
    writeFileSync(schemas, statusSchema(['a']));
    const plain = await cli(['--git', 'HEAD', file, '--mode', 'backward', '--format', 'json'], repo);
    assert.equal(plain.code, 1);
    assert.deepEqual((JSON.parse(plain.stdout) as JsonReport).changes.map((change) => change.rule), ['enum-narrowed']);
    const transitive = await cli(['--git', 'HEAD', file, '--mode', 'backward-transitive', '--format', 'json'], repo);
    assert.equal(transitive.code, 1, transitive.stdout + transitive.stderr);
    assert.deepEqual((JSON.parse(transitive.stdout) as JsonReport).changes.map((change) => change.rule), ['enum-narrowed']);
  });
});
