import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixesFor, type TextEdit } from '../../src/core/validate/fixes';
import { LineIndex } from '../../src/core/model/sourceMap';
import path from 'node:path';
import { ROOT, codes, validateText } from './helpers';

function apply(text: string, edits: TextEdit[]): string {
  const lines = new LineIndex(text);
  return [...edits]
    .sort((a, b) => lines.offsetAt(b.range.start) - lines.offsetAt(a.range.start))
    .reduce((result, edit) => result.slice(0, lines.offsetAt(edit.range.start)) + edit.newText + result.slice(lines.offsetAt(edit.range.end)), text);
}

/** Validates, applies the preferred fix of the first finding with `code`, and validates the result. */
async function fixOnce(text: string, code: string): Promise<{ fixed: string; codesAfter: string[]; titles: string[] }> {
  const before = await validateText(text);
  const finding = before.findings.find((candidate) => candidate.code === code);
  assert.ok(finding, `a ${code} finding in ${JSON.stringify(before.findings.map((candidate) => candidate.code))}`);
  const fixes = fixesFor(text, finding);
  const preferred = fixes.find((fix) => fix.preferred);
  assert.ok(preferred, 'a preferred fix');
  const fixed = apply(text, preferred.edits);
  const after = await validateText(fixed);
  return { fixed, codesAfter: after.findings.map((candidate) => candidate.code), titles: fixes.map((fix) => fix.title) };
}

const BASE = `asyncapi: 3.0.0
info:
  title: Users
  version: 1.0.0
channels:
  users:
    address: users/{userId}
    parameters:
      userId: {}
    messages:
      UserCreated:
        $ref: '#/components/messages/UserCreated'
operations:
  sendUser:
    action: send
    channel:
      $ref: '#/channels/users'
components:
  messages:
    UserCreated:
      payload:
        type: string
    UserDeleted:
      payload:
        type: string
`;

describe('quick fixes', () => {
  it('an unknown $ref offers the closest component names, best first', async () => {
    const { fixed, codesAfter, titles } = await fixOnce(BASE.replace("messages/UserCreated'", "messages/UserCreatd'"), 'invalid-ref');
    assert.equal(titles[0], "Change $ref to '#/components/messages/UserCreated'");
    assert.ok(titles.includes("Change $ref to '#/components/messages/UserDeleted'"));
    assert.equal(fixed, BASE);
    assert.ok(!codesAfter.includes('invalid-ref'));
  });

  it('a misspelled channel message $ref is reported and fixed there, not on the operation ref that leads through it', async () => {
    const text = BASE.replace("    UserCreated:\n      payload", "    UserCreatd:\n      payload").replace(
      "      $ref: '#/channels/users'\n",
      "      $ref: '#/channels/users'\n    messages:\n      - $ref: '#/channels/users/messages/UserCreated'\n",
    );
    const { findings } = await validateText(text);
    const finding = findings.find((candidate) => candidate.code === 'invalid-ref');
    assert.deepEqual(finding?.path, ['channels', 'users', 'messages', 'UserCreated', '$ref']);
    assert.equal(finding?.range.start.line, 11);
    const { fixed, codesAfter } = await fixOnce(text, 'invalid-ref');
    assert.match(fixed, /UserCreated:\n {8}\$ref: '#\/components\/messages\/UserCreatd'/);
    assert.ok(!codesAfter.includes('invalid-ref'), JSON.stringify(codesAfter));
  });

  it('a misspelled cross-file $ref lands on that $ref and offers the other file\'s components', async () => {
    const common = 'components:\n  messages:\n    UserCreated:\n      payload:\n        type: string\n    UserDeleted:\n      payload:\n        type: string\n';
    const text = BASE.replace("'#/components/messages/UserCreated'", "'./common.yaml#/components/messages/UserCreatd'");
    const files = { 'common.yaml': common };
    const before = await validateText(text, files);
    const finding = before.findings.find((candidate) => candidate.code === 'invalid-ref');
    assert.ok(finding, JSON.stringify(before.findings));
    assert.equal(finding.file, path.join(ROOT, 'test/fixtures/virtual/asyncapi.yaml'));
    assert.deepEqual(finding.range.start, { line: 11, character: 14 });
    const fixes = fixesFor(text, finding);
    assert.equal(fixes[0]?.title, "Change $ref to './common.yaml#/components/messages/UserCreated'");
    const fixed = apply(text, fixes[0]?.edits ?? []);
    assert.ok(!codes(await validateText(fixed, files)).includes('invalid-ref'));
  });

  it('a missing info.version is added', async () => {
    const { fixed, codesAfter } = await fixOnce(BASE.replace('  version: 1.0.0\n', ''), 'asyncapi-document-resolved');
    assert.match(fixed, /info:\n {2}version: '1\.0\.0'\n {2}title: Users/);
    assert.ok(!codesAfter.includes('asyncapi-document-resolved'), JSON.stringify(codesAfter));
  });

  it('a missing info.version is added in JSON too', async () => {
    const json = JSON.stringify({ asyncapi: '3.0.0', info: { title: 'J' }, channels: {} }, null, 2);
    const { fixed, codesAfter } = await fixOnce(json, 'asyncapi-document-resolved');
    assert.equal((JSON.parse(fixed) as { info: { version: string } }).info.version, '1.0.0');
    assert.ok(!codesAfter.includes('asyncapi-document-resolved'));
  });

  it('an undeclared address parameter is declared, next to existing ones', async () => {
    const text = BASE.replace('address: users/{userId}', 'address: users/{userId}/{region}');
    const { fixed, codesAfter } = await fixOnce(text, 'eventscope-undeclared-parameter');
    assert.match(fixed, /parameters:\n {6}region:\n {8}description: ''\n {6}userId: \{\}/);
    assert.ok(!codesAfter.includes('eventscope-undeclared-parameter'));
  });

  it('an undeclared address parameter creates the parameters mapping when there is none', async () => {
    const text = BASE.replace('    parameters:\n      userId: {}\n', '');
    const { codesAfter } = await fixOnce(text, 'eventscope-undeclared-parameter');
    assert.ok(!codesAfter.includes('eventscope-undeclared-parameter'), JSON.stringify(codesAfter));
  });

  it('2.x: an undeclared parameter gets a schema', async () => {
    const text = `asyncapi: 2.6.0
info:
  title: t
  version: 1.0.0
channels:
  users/{userId}:
    subscribe:
      message:
        payload:
          type: string
`;
    const { fixed, codesAfter } = await fixOnce(text, 'eventscope-undeclared-parameter');
    assert.match(fixed, /parameters:\n {6}userId:\n {8}schema:\n {10}type: string/);
    assert.ok(!codesAfter.includes('eventscope-undeclared-parameter'), JSON.stringify(codesAfter));
  });
});
