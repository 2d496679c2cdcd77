import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ValidationClient } from '../../src/core/worker/validationClient';
import { SupersededError } from '../../src/core/worker/workerConnection';
import { buildWorkerBundle, ROOT } from './helpers';

const DOC = (title: string): string => `asyncapi: 3.0.0
info:
  title: ${title}
channels: {}
`;

describe('validation worker', () => {
  let client: ValidationClient;
  before(async () => {
    client = new ValidationClient(await buildWorkerBundle('src/core/worker/validationWorker.ts'));
  });
  after(() => client.dispose());

  it('validates off the main thread and returns findings with ranges', async () => {
    const result = await client.validate({ file: path.join(ROOT, 'w.yaml'), text: DOC('W') });
    const missing = result.findings.find((finding) => finding.code === 'asyncapi-document-resolved');
    assert.equal(missing?.range.start.line, 1);
  });

  it('a queued request is superseded by a newer one for the same file; the newest text wins', async () => {
    const file = path.join(ROOT, 'busy.yaml');
    // Reading a referenced file from disk keeps the worker busy across event-loop turns.
    const orders = path.join(ROOT, 'examples/orders/asyncapi.yaml');
    const other = client.validate({ file: orders, text: readFileSync(orders, 'utf8') });
    const first = client.validate({ file, text: DOC('First') });
    const second = client.validate({ file, text: `${DOC('Second')}  # newest\n` });
    await assert.rejects(first, SupersededError);
    const [latest] = await Promise.all([second, other]);
    assert.equal(latest.file, file);
  });

  it('unsaved buffers of referenced files are read instead of the disk', async () => {
    const file = path.join(ROOT, 'virtual/root.yaml');
    const common = path.join(ROOT, 'virtual/common.yaml');
    const text = `asyncapi: 3.0.0
info: { title: t, version: 1.0.0 }
channels:
  c:
    address: c
    messages:
      M:
        $ref: './common.yaml#/M'
operations:
  o: { action: send, channel: { $ref: '#/channels/c' } }
`;
    const result = await client.validate({ file, text, overlays: new Map([[common, 'M:\n  payload:\n    description: untyped\n']]) });
    assert.deepEqual(result.referencedFiles, [common]);
    const untyped = result.findings.find((finding) => finding.code === 'eventscope-payload-without-type');
    assert.equal(untyped?.file, common);
  });
});
