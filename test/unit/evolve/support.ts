import path from 'node:path';
import { loadDocument, type LoadedDocument } from '../../../src/core/evolve/loader';
import { diffDocuments, type Change, type DiffOptions, type DiffReport } from '../../../src/core/evolve/documentDiff';
import { createRefReader } from '../../../src/core/model/refReader';
import { ROOT } from '../helpers';

export type Json = Record<string, unknown>;
const VIRTUAL = path.join(ROOT, 'test/fixtures/virtual-diff');

/** Loads a document given as an object (JSON is YAML), with optional side files for `$ref`s. */
export async function load(doc: Json, name = 'asyncapi.json', files: Record<string, string> = {}): Promise<LoadedDocument> {
  const overlays = new Map(Object.entries(files).map(([file, text]) => [path.join(VIRTUAL, file), text]));
  return loadDocument(JSON.stringify(doc), path.join(VIRTUAL, name), createRefReader({ overlays }));
}

export async function diff(before: Json, after: Json, options: DiffOptions = {}): Promise<DiffReport> {
  return diffDocuments(await load(before, 'old.json'), await load(after, 'new.json'), options);
}

export function describeChanges(changes: Change[]): string {
  return changes.map((change) => `${change.class} ${change.rule}: ${change.message}`).join('\n') || '(no change)';
}

/**
 * A 3.0 document with one channel, one operation of `action` and one message whose payload is
 * `#/components/schemas/Payload`; `edit` changes anything else.
 */
export function app(action: 'send' | 'receive', payload: unknown, edit: (doc: Json) => void = () => undefined): Json {
  const doc: Json = {
    asyncapi: '3.0.0',
    info: { title: 'Orders', version: '1.0.0' },
    servers: { prod: { host: 'broker:9092', protocol: 'kafka' } },
    channels: {
      orders: {
        address: 'orders.{region}',
        parameters: { region: { enum: ['eu', 'us'] } },
        messages: { orderPlaced: { $ref: '#/components/messages/orderPlaced' } },
      },
    },
    operations: {
      placeOrder: {
        action,
        channel: { $ref: '#/channels/orders' },
        messages: [{ $ref: '#/channels/orders/messages/orderPlaced' }],
      },
    },
    components: {
      messages: {
        orderPlaced: {
          name: 'orderPlaced',
          contentType: 'application/json',
          headers: { type: 'object', properties: { traceId: { type: 'string' } } },
          payload: { $ref: '#/components/schemas/Payload' },
        },
      },
      schemas: { Payload: payload },
    },
  };
  edit(doc);
  return doc;
}

/** Reaches into a document by keys, for edits. */
export function at(doc: Json, ...keys: string[]): Json {
  let node: unknown = doc;
  for (const key of keys) node = (node as Json)[key];
  return node as Json;
}
