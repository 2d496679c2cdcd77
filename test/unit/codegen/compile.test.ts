import assert from 'node:assert/strict';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DocumentErrorsError, generateFromFile, UnknownOperationError } from '../../../src/core/codegen/generate';
import { createRefReader } from '../../../src/core/model/refReader';
import { CORPUS, EXAMPLES, ROOT } from '../helpers';
import { generateInto, strictTypeErrors, workspace } from './support';

/** AsyncAPI documents under a folder; files that only hold shared components are not documents. */
async function documentsIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries.filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name)).map((entry) => path.join(entry.parentPath, entry.name));
  const documents: string[] = [];
  for (const file of files.sort()) if (/^asyncapi:/m.test(await readFile(file, 'utf8'))) documents.push(file);
  return documents;
}

/** Offline, these documents cannot resolve their remote Avro `$ref`s: generation must refuse them. */
const NEEDS_REMOTE_REFS = ['adeo-kafka-request-reply-asyncapi.yml'];
const GOLDEN = path.join(ROOT, 'test/fixtures/codegen/orders');
const ORDERS = path.join(EXAMPLES, 'orders', 'asyncapi.yaml');

describe('codegen: generated clients compile', () => {
  let ws: Awaited<ReturnType<typeof workspace>>;
  const generated: { document: string; dir: string }[] = [];

  before(async () => {
    ws = await workspace();
    const documents = [
      ...(await documentsIn(path.join(CORPUS, 'v2.6'))),
      ...(await documentsIn(path.join(CORPUS, 'v3'))),
      ...(await documentsIn(EXAMPLES)),
    ];
    for (const [index, document] of documents.entries()) {
      if (NEEDS_REMOTE_REFS.includes(path.basename(document))) continue;
      const dir = path.join(ws.dir, `doc${index}`);
      await generateInto(document, dir);
      generated.push({ document, dir });
    }
    // One operation's stub; compiled with the rest below.
    await generateFromFile(ORDERS, path.join(ws.dir, 'stub'), createRefReader(), { operationIds: ['requestPayment'] });
  });
  after(() => ws.dispose());

  it('refuses a document with errors', async () => {
    await assert.rejects(generateInto(path.join(CORPUS, 'v3', NEEDS_REMOTE_REFS[0]!), path.join(ws.dir, 'refused')), DocumentErrorsError);
  });

  it('a stub holds only its operation, its reply and their types', async () => {
    const client = await readFile(path.join(ws.dir, 'stub', 'client.ts'), 'utf8');
    const types = await readFile(path.join(ws.dir, 'stub', 'types.ts'), 'utf8');
    assert.match(client, /async requestPayment\(payload: PaymentPayload/);
    assert.doesNotMatch(client, /publishOrderPlaced|onPaymentCompleted/);
    assert.match(types, /export interface PaymentCompletedPayload/);
    assert.doesNotMatch(types, /OrderPlacedPayload/);
    await assert.rejects(generateFromFile(ORDERS, path.join(ws.dir, 'none'), createRefReader(), { operationIds: ['noSuchOperation'] }), UnknownOperationError);
  });

  it('every corpus and example document compiles under tsc --strict, and a wrong payload does not', async () => {
    assert.ok(generated.length >= 40, `generated ${generated.length} clients`);
    const orders = generated.find((entry) => entry.document.endsWith(path.join('orders', 'asyncapi.yaml')));
    assert.ok(orders);
    await writeFile(
      path.join(ws.dir, 'typeLevel.ts'),
      [
        `import { Client, MqttTransport, validateOrderPlacedPayload } from './${path.basename(orders.dir)}/index.js';`,
        'declare const client: Client;',
        '// @ts-expect-error: the payload misses every required field',
        "void client.publishOrderPlaced({ wrong: true }, { params: { orderId: 'o-1' } });",
        '// @ts-expect-error: the channel address needs its orderId parameter',
        'void client.publishOrderPlaced({} as Parameters<Client["publishOrderPlaced"]>[0], {});',
        'export const guards = [validateOrderPlacedPayload, MqttTransport];',
      ].join('\n'),
    );
    const result = await strictTypeErrors(ws.dir);
    assert.equal(result, '', result);
  });

  it('components of a referenced file keep their names and are declared once', async () => {
    const orders = generated.find((entry) => entry.document.endsWith(path.join('orders', 'asyncapi.yaml')))!;
    const types = await readFile(path.join(orders.dir, 'types.ts'), 'utf8');
    // Money, Address and EventHeaders live in examples/common/components.yaml, reached through message $refs.
    for (const name of ['Money', 'Address', 'EventHeaders']) {
      assert.equal(types.match(new RegExp(`^export (interface|type) ${name}\\b`, 'gm'))?.length, 1, name);
    }
    assert.doesNotMatch(types, /OrderPlacedHeaders/);
    // Money is referenced, not inlined: its currency field is declared once.
    assert.equal(types.match(/^\s*currency: string$/gm)?.length, 1);
  });

  it('messages sharing a name are qualified by the key they are declared under, not numbered', async () => {
    const dir = path.join(ws.dir, 'collide');
    await generateInto(path.join(ROOT, 'test/fixtures/codegen/collide.yaml'), dir);
    const types = await readFile(path.join(dir, 'types.ts'), 'utf8');
    const client = await readFile(path.join(dir, 'client.ts'), 'utf8');
    assert.match(types, /export interface BOrderPlacedPayload/);
    assert.doesNotMatch(types + client, /[A-Za-z][0-9]+(Payload|Message|Headers)\b|OrderPlaced[0-9]/);
  });

  it('regenerating an unchanged document writes nothing and gives byte-identical files', async () => {
    const orders = generated.find((entry) => entry.document.endsWith(path.join('orders', 'asyncapi.yaml')))!;
    const before = await readdir(orders.dir);
    const again = await generateInto(orders.document, orders.dir);
    assert.deepEqual(again.written, []);
    assert.equal(again.unchanged.length, before.length);
  });

  it('the orders example matches its golden files', async () => {
    const orders = generated.find((entry) => entry.document.endsWith(path.join('orders', 'asyncapi.yaml')))!;
    // The header names the document relative to the output folder, which is a temp folder here.
    const normalize = (text: string): string => text.replace(/^(\/\/ Generated by Eventscope from )\S+/, '$1examples/orders/asyncapi.yaml');
    for (const name of (await readdir(orders.dir)).sort()) {
      const actual = normalize(await readFile(path.join(orders.dir, name), 'utf8'));
      if (process.env.UPDATE_GOLDEN) {
        await mkdir(GOLDEN, { recursive: true });
        await writeFile(path.join(GOLDEN, `${name}.golden`), actual);
      }
      assert.equal(actual, await readFile(path.join(GOLDEN, `${name}.golden`), 'utf8'), name);
    }
  });
});
