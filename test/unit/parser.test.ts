import { Parser } from '@asyncapi/parser';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readSpectralConfig } from '../../src/core/validate/spectralConfig';
import { createRefReader } from '../../src/core/model/refReader';
import { validateDocument } from '../../src/core/validate/validator';
import { CORPUS, codes, validateText } from './helpers';

function corpusFiles(directory = CORPUS): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    if (statSync(full).isDirectory()) return corpusFiles(full);
    return /\.ya?ml$/.test(name) && !full.includes(`${path.sep}common${path.sep}`) ? [full] : [];
  });
}

describe('parity with a fresh @asyncapi/parser parse', () => {
  // Eventscope keeps validators warm between parses; the findings must not change for that.
  const files = corpusFiles();
  it('covers the corpus', () => assert.equal(files.length, 45));
  for (const file of files) {
    it(path.relative(CORPUS, file), async () => {
      const text = readFileSync(file, 'utf8');
      const reader = createRefReader();
      // Warm twice, with an edit in between, then compare with a fresh parser.
      await validateDocument(`${text}\n# edit\n`, file, reader);
      const ours = await validateDocument(text, file, reader);
      const fresh = await new Parser().validate(text, { source: file });
      const key = (code: string | number, p: (string | number)[], line: number, character: number, source?: string | null): string =>
        `${String(code)} ${p.join('/')} ${line}:${character} ${source ?? file}`;
      const parserFindings = ours.findings.filter((finding) => !finding.code.startsWith('eventscope-'));
      assert.deepEqual(
        parserFindings.map((finding) => key(finding.code, finding.path, finding.range.start.line, finding.range.start.character, finding.file)).sort(),
        fresh.map((diagnostic) => key(diagnostic.code, diagnostic.path, diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.source)).sort(),
      );
      // Same messages too, except that remote refs say why they were not fetched.
      const messages = (list: { code: string | number; message: string }[]): string[] => list.filter((item) => item.code !== 'invalid-ref').map((item) => item.message).sort();
      assert.deepEqual(messages(parserFindings), messages(fresh));
    });
  }
});

describe('parity after a referenced schema with $id changes', () => {
  // ajv caches a schema by its $id: a warm run must not keep the old one of a referenced file.
  it('reports the example error a fresh parser reports once the shared schema is edited', async () => {
    const text = `asyncapi: 2.6.0
info: { title: t, version: 1.0.0 }
channels:
  orders:
    subscribe:
      operationId: sendOrder
      message:
        messageId: order
        payload:
          $ref: './shared.yaml#/Order'
        examples:
          - payload: { total: 5 }
`;
    const shared = (minimum: number): string => `Order:\n  $id: 'https://example.com/order'\n  type: object\n  properties:\n    total: { type: number, minimum: ${minimum} }\n`;
    const errors = (result: Awaited<ReturnType<typeof validateText>>): string[] => result.findings.filter((finding) => finding.severity === 'error').map((finding) => finding.code);
    assert.deepEqual(errors(await validateText(text, { 'shared.yaml': shared(0) })), []);
    const edited = errors(await validateText(text, { 'shared.yaml': shared(10) }));
    const directory = mkdtempSync(path.join(tmpdir(), 'eventscope-id-'));
    try {
      writeFileSync(path.join(directory, 'shared.yaml'), shared(10));
      const fresh = await new Parser().validate(text, { source: path.join(directory, 'asyncapi.yaml') });
      const freshErrors = fresh.filter((diagnostic) => Number(diagnostic.severity) === 0 /* error */).map((diagnostic) => String(diagnostic.code));
      assert.ok(freshErrors.length > 0);
      assert.deepEqual(edited.filter((code) => !code.startsWith('eventscope-')), freshErrors);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('parity, with the one finding Eventscope moves', () => {
  // An unresolvable $ref is the only finding moved: the parser reports it where it was following the
  // ref (here the operation's correct ref), Eventscope on the $ref that names the missing target.
  it('invalid-ref keeps its code and message and moves to the failing $ref', async () => {
    const text = `asyncapi: 3.0.0
info: { title: Shop, version: 1.0.0 }
channels:
  orders:
    address: orders
    messages:
      OrderPlaced:
        $ref: '#/components/messages/OrderPlaced'
operations:
  sendOrder:
    action: send
    channel:
      $ref: '#/channels/orders'
    messages:
      - $ref: '#/channels/orders/messages/OrderPlaced'
components:
  messages:
    OrderPlacd:
      payload: { type: object }
`;
    const ours = (await validateText(text)).findings.filter((finding) => finding.code === 'invalid-ref');
    const fresh = (await new Parser().validate(text)).filter((diagnostic) => diagnostic.code === 'invalid-ref');
    assert.deepEqual(ours.map((finding) => finding.message), fresh.map((diagnostic) => diagnostic.message));
    assert.deepEqual(fresh.map((diagnostic) => diagnostic.path.join('/')), ['operations/sendOrder/messages/0/$ref']);
    assert.deepEqual(ours.map((finding) => `${finding.path.join('/')} ${finding.range.start.line}`), ['channels/orders/messages/OrderPlaced/$ref 7']);
  });
});

describe('remote $refs', () => {
  it('are fetched from a server when allowed, and not otherwise', async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests++;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ type: 'object', properties: { id: { type: 'string' } } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const text = `asyncapi: 3.0.0
info: { title: t, version: 1.0.0 }
channels:
  c:
    address: c
    messages:
      M:
        payload:
          $ref: 'http://127.0.0.1:${port}/schema.json'
operations:
  o: { action: send, channel: { $ref: '#/channels/c' } }
`;
      const file = path.join(CORPUS, 'remote.yaml');
      const allowed = await validateDocument(text, file, createRefReader({ remoteRefs: true }));
      assert.equal(requests, 1);
      assert.deepEqual(allowed.findings.filter((finding) => finding.code === 'invalid-ref'), []);
      assert.deepEqual(allowed.model?.messages[0]?.payload, { type: 'object', properties: { id: { type: 'string' } } });

      const refused = await validateDocument(text, file, createRefReader({ remoteRefs: false }));
      assert.equal(requests, 1, 'no request when remote refs are off');
      const errors = refused.findings.filter((finding) => finding.code === 'invalid-ref');
      assert.equal(errors.length, 1);
      assert.equal(errors[0]?.range.start.line, 8);
    } finally {
      server.close();
    }
  });
});

describe('a project .spectral.yaml', () => {
  const text = `asyncapi: 2.6.0
info:
  title: t
  version: 1.0.0
channels:
  c:
    subscribe:
      message:
        payload: { type: string }
`;
  it('re-classes and switches off AsyncAPI rules, and adds custom rules over core functions', async () => {
    const plain = await validateText(text);
    assert.ok(codes(plain).includes('asyncapi-id'));
    assert.ok(codes(plain).includes('asyncapi2-tags'));
    const spectral = readSpectralConfig(`extends: ["spectral:asyncapi"]
rules:
  asyncapi-id: off
  asyncapi2-tags: error
  title-capitalized:
    description: Titles start with a capital.
    message: Info title must start with a capital letter.
    severity: warn
    given: $.info.title
    then:
      function: pattern
      functionOptions:
        match: ^[A-Z]
`);
    assert.deepEqual(spectral.problems, []);
    const configured = await validateText(text, {}, { spectral });
    assert.ok(!codes(configured).includes('asyncapi-id'));
    assert.equal(configured.findings.find((finding) => finding.code === 'asyncapi2-tags')?.severity, 'error');
    const custom = configured.findings.find((finding) => finding.code === 'title-capitalized');
    assert.equal(custom?.severity, 'warning');
    assert.equal(custom?.range.start.line, 2);
    // The next document in the same process is not affected.
    assert.ok(codes(await validateText(text)).includes('asyncapi-id'));
  });

  it('says what it cannot honor', () => {
    const spectral = readSpectralConfig('rules:\n  mine:\n    given: $\n    then:\n      function: myCustomJs\n  other: loud\n');
    assert.equal(spectral.problems.length, 2);
  });
});
