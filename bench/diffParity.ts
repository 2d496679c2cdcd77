/**
 * Evidence for docs/diff-vs-asyncapi-diff.md: the same pairs of documents through Eventscope and through
 * @asyncapi/diff (after @asyncapi/parser, as its README prescribes). Prints a markdown table.
 * Run: node --import tsx bench/diffParity.ts
 */
import { diff as asyncapiDiff } from '@asyncapi/diff';
import { Parser } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { diffDocuments, type DiffReport } from '../src/core/evolve/documentDiff';
import { loadDocument } from '../src/core/evolve/loader';
import { createRefReader } from '../src/core/model/refReader';

type Json = Record<string, unknown>;
const CORPUS = path.resolve(__dirname, '../test/fixtures/corpus');

/** One channel, one operation, one message over `#/components/schemas/Payload`. */
function app(action: 'send' | 'receive', payload: Json, edit: (doc: Json) => void = () => undefined): string {
  const doc: Json = {
    asyncapi: '3.0.0',
    info: { title: 'Orders', version: '1.0.0' },
    channels: { orders: { address: 'orders', messages: { orderPlaced: { $ref: '#/components/messages/orderPlaced' } } } },
    operations: { placeOrder: { action, channel: { $ref: '#/channels/orders' }, messages: [{ $ref: '#/channels/orders/messages/orderPlaced' }] } },
    components: { messages: { orderPlaced: { name: 'orderPlaced', payload: { $ref: '#/components/schemas/Payload' } } }, schemas: { Payload: payload } },
  };
  edit(doc);
  return JSON.stringify(doc);
}

const object = (properties: Json, extra: Json = {}): Json => ({ type: 'object', properties, ...extra });
const get = (doc: Json, ...keys: string[]): Json => keys.reduce<Json>((node, key) => node[key] as Json, doc);

const twoChannels = (doc: Json): void => {
  get(doc, 'channels').shipped = { address: 'shipped', messages: { orderShipped: { $ref: '#/components/messages/orderShipped' } } };
  get(doc, 'operations').ship = { action: 'send', channel: { $ref: '#/channels/shipped' } };
  get(doc, 'components', 'messages').orderShipped = { name: 'orderShipped', payload: { $ref: '#/components/schemas/Payload' } };
};

const PAIRS: [string, string, string][] = [
  ['sent, closed payload: optional property added', app('send', object({ id: { type: 'string' } }, { additionalProperties: false })), app('send', object({ id: { type: 'string' }, note: { type: 'string' } }, { additionalProperties: false }))],
  ['sent, open payload: optional property added', app('send', object({ id: { type: 'string' } })), app('send', object({ id: { type: 'string' }, note: { type: 'string' } }))],
  ['received: property made required', app('receive', object({ id: { type: 'string' } })), app('receive', object({ id: { type: 'string' } }, { required: ['id'] }))],
  ['sent: property made required', app('send', object({ id: { type: 'string' } })), app('send', object({ id: { type: 'string' } }, { required: ['id'] }))],
  ['sent: enum value added', app('send', object({ status: { enum: ['new'] } })), app('send', object({ status: { enum: ['new', 'done'] } }))],
  ['received: enum value added', app('receive', object({ status: { enum: ['new'] } })), app('receive', object({ status: { enum: ['new', 'done'] } }))],
  ['received: integer widened to number', app('receive', object({ n: { type: 'integer' } })), app('receive', object({ n: { type: 'number' } }))],
  ['schema component renamed, content the same', app('send', object({ id: { type: 'string' } })), app('send', object({ id: { type: 'string' } }), (doc) => {
    get(doc, 'components', 'schemas').Order = get(doc, 'components', 'schemas').Payload;
    delete get(doc, 'components', 'schemas').Payload;
    get(doc, 'components', 'messages', 'orderPlaced').payload = { $ref: '#/components/schemas/Order' };
  })],
  ['schema reused by two channels: field type changed', app('send', object({ id: { type: 'string' } }), twoChannels), app('send', object({ id: { type: 'integer' } }), twoChannels)],
  ['3.x channel key renamed, address kept', app('send', object({})), app('send', object({}), (doc) => {
    get(doc, 'channels').orderEvents = get(doc, 'channels').orders;
    delete get(doc, 'channels').orders;
    get(doc, 'operations', 'placeOrder').channel = { $ref: '#/channels/orderEvents' };
    get(doc, 'operations', 'placeOrder').messages = [{ $ref: '#/channels/orderEvents/messages/orderPlaced' }];
  })],
  ['description edited', app('send', object({ id: { type: 'string', description: 'old' } })), app('send', object({ id: { type: 'string', description: 'new' } }))],
  ['channel address changed', app('send', object({})), app('send', object({}), (doc) => void (get(doc, 'channels', 'orders').address = 'orders.v2'))],
  ['2.6 document against its 3.0 conversion (streetlights-kafka)', readFileSync(path.join(CORPUS, 'v2.6/streetlights-kafka.yml'), 'utf8'), readFileSync(path.join(CORPUS, 'v3/streetlights-kafka-asyncapi.yml'), 'utf8')],
];

function ours(report: DiffReport): string {
  if (report.changes.length === 0) return 'no change';
  return report.changes.map((change) => `${change.class} \`${change.rule}\`${change.usages.length > 1 ? ` (${change.usages.length} usages, reported once)` : ''}`).join('; ');
}

async function theirs(parser: Parser, before: string, after: string): Promise<string> {
  const [a, b] = await Promise.all([parser.parse(before), parser.parse(after)]);
  if (!a.document || !b.document) return 'parser rejected a document';
  try {
    const output = asyncapiDiff(a.document.json(), b.document.json());
    const count = (changes: unknown): number => (Array.isArray(changes) ? changes.length : 0);
    const changes = (output.getOutput() as { changes: { type: string; path: string }[] }).changes;
    const paths = changes.filter((change) => !change.path.includes('x-parser')).map((change) => `${change.type} ${change.path}`);
    return `${count(output.breaking())} breaking, ${count(output.nonBreaking())} non-breaking, ${count(output.unclassified())} unclassified: ${paths.slice(0, 4).join('; ')}${paths.length > 4 ? '; …' : ''}`;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

async function main(): Promise<void> {
  const parser = new Parser();
  const reader = createRefReader();
  console.log('| pair | Eventscope | @asyncapi/diff |\n| --- | --- | --- |');
  for (const [name, before, after] of PAIRS) {
    const report = diffDocuments(await loadDocument(before, '/pair/old.yaml', reader), await loadDocument(after, '/pair/new.yaml', reader));
    console.log(`| ${name} | ${ours(report)} | ${(await theirs(parser, before, after)).replace(/\|/g, '\\|')} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
