import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { validateText, validateFile, ROOT, codes } from './helpers';

const FIXTURES = path.join(ROOT, 'test/fixtures');

const VALID = `asyncapi: 3.0.0
info:
  title: Orders
  version: 1.0.0
channels:
  placed:
    address: orders/{orderId}/placed
    parameters:
      orderId: {}
    messages:
      OrderPlaced:
        $ref: '#/components/messages/OrderPlaced'
operations:
  publishOrderPlaced:
    action: send
    channel:
      $ref: '#/channels/placed'
components:
  messages:
    OrderPlaced:
      name: OrderPlaced
      correlationId:
        location: $message.header#/correlationId
      headers:
        type: object
        properties:
          correlationId: { type: string }
      payload:
        type: object
        additionalProperties: false
        required: [orderId, total]
        properties:
          orderId: { type: string }
          total: { type: number, minimum: 0 }
      examples:
        - name: ok
          headers: { correlationId: c-1 }
          payload: { orderId: o-1, total: 12.5 }
`;

describe('a valid document', () => {
  it('has no errors or warnings', async () => {
    const result = await validateText(VALID);
    assert.deepEqual(result.findings.filter((finding) => finding.severity === 'error' || finding.severity === 'warning'), []);
    assert.equal(result.model?.messages.length, 1);
  });
});

describe('bad input gets diagnostics, never a crash or a hang', () => {
  it('malformed YAML', async () => {
    const result = await validateText('asyncapi: 3.0.0\ninfo:\n  title: [unclosed\n  version: 1.0.0\n');
    const syntax = result.findings.filter((finding) => finding.code === 'parser');
    assert.ok(syntax.length > 0, JSON.stringify(codes(result)));
    assert.ok(syntax.every((finding) => finding.severity === 'error' && finding.range.start.line >= 2), 'on the broken lines, not line 0');
  });

  it('cyclic $refs across two files', async () => {
    const result = await validateFile(path.join(FIXTURES, 'bad/cyclic-a.yaml'));
    assert.ok(result.model, 'still yields a model');
    assert.ok(result.referencedFiles.some((file) => file.endsWith('cyclic-b.yaml')));
  });

  it('a missing referenced file is an invalid-ref error at the $ref', async () => {
    const result = await validateFile(path.join(FIXTURES, 'bad/missing-file.yaml'));
    const error = result.findings.find((finding) => finding.code === 'invalid-ref');
    assert.ok(error, JSON.stringify(codes(result)));
    assert.equal(error.range.start.line, 9);
    assert.match(error.message, /does-not-exist\.yaml/);
  });

  it('binary garbage', async () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7919) % 256)).toString('latin1');
    const result = await validateText(garbage);
    assert.ok(result.findings.some((finding) => finding.severity === 'error'));
    assert.equal(result.model, undefined);
  });

  it('a 5 MB document', async () => {
    const channels = Array.from({ length: 9000 }, (_, index) => `  ch${index}:
    address: topic/${index}/{id}
    parameters:
      id: {}
    messages:
      M${index}:
        name: M${index}
        payload:
          type: object
          additionalProperties: false
          properties:
            value: { type: string, description: "${'x'.repeat(300)}" }
`).join('');
    const operations = Array.from({ length: 9000 }, (_, index) => `  op${index}:
    action: send
    channel:
      $ref: '#/channels/ch${index}'
`).join('');
    const text = `asyncapi: 3.0.0\ninfo:\n  title: Huge\n  version: 1.0.0\nchannels:\n${channels}operations:\n${operations}`;
    assert.ok(text.length > 5_000_000, `document is ${text.length} bytes`);
    const result = await validateText(text);
    assert.equal(result.model?.channels.length, 9000);
    assert.deepEqual(result.findings.filter((finding) => finding.severity === 'error'), []);
  });

  it('remote refs are not fetched when off: one clear diagnostic per ref, at its location', async (t) => {
    const network = t.mock.method(globalThis, 'fetch', () => Promise.reject(new Error('the network was used')));
    const result = await validateFile(path.join(FIXTURES, 'corpus/v3/adeo-kafka-request-reply-asyncapi.yml'));
    assert.equal(network.mock.callCount(), 0);
    const remote = result.findings.filter((finding) => finding.message.startsWith('Remote $ref not fetched'));
    assert.equal(remote.length, 2, JSON.stringify(result.findings.map((finding) => finding.message)));
    assert.deepEqual(remote.map((finding) => finding.range.start.line), [173, 203]);
    assert.match(remote[0]?.message ?? '', /eventscope\.remoteRefs/);
  });
});
