import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NavClient, type NavBuffer } from '../../../src/core/worker/navClient';
import { SupersededError } from '../../../src/core/worker/workerConnection';
import { buildWorkerBundle } from '../helpers';

/** A buffer that counts how often its text is asked for, i.e. sent to the worker. */
function buffer(file: string, version: number, text: string): NavBuffer & { reads: number } {
  const counted = { file, version, reads: 0, getText: () => (counted.reads++, text) };
  return counted;
}

const DOC = (channel: string): string => `asyncapi: 3.0.0
info:
  title: Nav
  version: 1.0.0
channels:
  ${channel}:
    address: orders
    messages:
      Placed:
        $ref: './shared.yaml#/components/messages/Placed'
`;

function hugeDocument(): string {
  const channels = Array.from({ length: 10000 }, (_, index) => `  ch${index}:\n    address: topic/${index}\n    description: "${'x'.repeat(500)}"\n`).join('');
  return `asyncapi: 3.0.0\ninfo:\n  title: Huge\n  version: 1.0.0\nchannels:\n${channels}`;
}

describe('navigation worker', () => {
  let client: NavClient;
  let dir: string;
  before(async () => {
    client = new NavClient(await buildWorkerBundle('src/core/worker/navWorker.ts'));
    dir = mkdtempSync(path.join(tmpdir(), 'eventscope-nav-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'shared.yaml'), 'components:\n  messages:\n    Placed:\n      payload: { type: object }\n');
  });
  after(() => client.dispose());

  it('answers the outline, and sends a version of a buffer across once', async () => {
    const document = buffer(path.join(dir, 'a.yaml'), 1, DOC('orders'));
    const first = await client.query([document], { op: 'outline' });
    const again = await client.query([document], { op: 'operationAnchors' });
    assert.deepEqual(
      first.find((symbol) => symbol.name === 'channels')?.children.map((channel) => channel.name),
      ['orders'],
    );
    assert.deepEqual(again, []);
    assert.equal(document.reads, 1);
    client.forget(document.file);
    await client.query([document], { op: 'outline' });
    assert.equal(document.reads, 2, 'a forgotten buffer is sent again');
  });

  it('goes to a definition in an unsaved buffer of another file, not in its copy on disk', async () => {
    const text = DOC('orders');
    const document = buffer(path.join(dir, 'b.yaml'), 1, text);
    const offset = text.indexOf('./shared.yaml') + 3;
    const onDisk = await client.query([document], { op: 'definition', offset });
    assert.deepEqual(onDisk?.range.start, { line: 2, character: 4 });
    const unsaved = buffer(path.join(dir, 'shared.yaml'), 7, '# edited\n\ncomponents:\n  messages:\n    Placed:\n      payload: { type: object }\n');
    const edited = await client.query([document, unsaved], { op: 'definition', offset });
    assert.equal(edited?.file, path.join(dir, 'shared.yaml'));
    assert.deepEqual(edited?.range.start, { line: 4, character: 4 });
  });

  it('finds references in the candidate files it reads itself', async () => {
    writeFileSync(path.join(dir, 'c.yaml'), DOC('c'));
    writeFileSync(path.join(dir, 'd.yaml'), DOC('d'));
    const shared = buffer(path.join(dir, 'shared.yaml'), 1, 'components:\n  messages:\n    Placed:\n      payload: { type: object }\n');
    const offset = 'components:\n  messages:\n    Pla'.length;
    const locations = await client.query([shared], { op: 'references', offset, includeDeclaration: false, candidates: [path.join(dir, 'c.yaml'), path.join(dir, 'd.yaml')] });
    assert.deepEqual(
      locations.map((location) => [path.basename(location.file), location.range.start.line]),
      [
        ['c.yaml', 9],
        ['d.yaml', 9],
      ],
    );
  });

  it('a queued query is superseded by a newer one of the same kind for the same file', async () => {
    const file = path.join(dir, 'e.yaml');
    // A long query first keeps the worker busy, so the next two are queued together.
    const busy = client.query([buffer(path.join(dir, 'busy.yaml'), 1, hugeDocument())], { op: 'outline' });
    const older = client.query([buffer(file, 1, DOC('older'))], { op: 'outline' });
    const newer = client.query([buffer(file, 2, DOC('newer'))], { op: 'outline' });
    await assert.rejects(older, SupersededError);
    assert.deepEqual(
      (await newer).find((symbol) => symbol.name === 'channels')?.children.map((channel) => channel.name),
      ['newer'],
    );
    assert.ok((await busy).length > 0);
  });

  it('answers a queued query and an identical newer one (same version, same question) with one result', async () => {
    const file = path.join(dir, 'f.yaml');
    const busy = client.query([buffer(path.join(dir, 'busy2.yaml'), 1, hugeDocument())], { op: 'outline' });
    const first = client.query([buffer(file, 1, DOC('same'))], { op: 'outline' });
    const second = client.query([buffer(file, 1, DOC('same'))], { op: 'outline' });
    const channelsOf = async (symbols: typeof first): Promise<string[] | undefined> =>
      (await symbols).find((symbol) => symbol.name === 'channels')?.children.map((channel) => channel.name);
    assert.deepEqual(await channelsOf(first), ['same']);
    assert.deepEqual(await channelsOf(second), ['same']);
    assert.ok((await busy).length > 0);
  });

  it('keeps the calling thread free while it parses a 5 MB document', async () => {
    const text = hugeDocument();
    assert.ok(text.length > 5_000_000);
    let turns = 0;
    const ticker = setInterval(() => turns++, 1);
    try {
      const symbols = await client.query([buffer(path.join(dir, 'huge.yaml'), 1, text)], { op: 'outline' });
      assert.equal(symbols.find((symbol) => symbol.name === 'channels')?.children.length, 10000);
    } finally {
      clearInterval(ticker);
    }
    // Parsing on this thread would have let no timer run until it finished.
    assert.ok(turns >= 5, `the event loop turned ${turns} times while the worker parsed`);
  });

  it('reports a query it cannot answer as an error, and keeps serving', async () => {
    const stranger = { file: path.join(dir, 'f.yaml'), version: 3, getText: () => DOC('f') };
    await client.query([stranger], { op: 'outline' });
    client.forget(stranger.file);
    // Reaches the worker claiming a version it was never sent.
    (client as unknown as { held: Map<string, number> }).held.set(stranger.file, 4);
    await assert.rejects(client.query([{ ...stranger, version: 4 }], { op: 'outline' }), /no text of .*f\.yaml at version 4/);
    assert.ok((await client.query([buffer(stranger.file, 5, DOC('f'))], { op: 'outline' })).length > 0);
  });
});
