import { isMap, isScalar, type Node } from 'yaml';
import { parsedYaml } from '../model/parseCache';
import type { Range } from '../../shared/findings';
import { LineIndex } from '../model/sourceMap';
import { parseRef } from './refs';

export type OutlineKind = 'document' | 'server' | 'channel' | 'operation' | 'message' | 'schema' | 'parameter' | 'component';

export interface OutlineSymbol {
  name: string;
  detail?: string;
  kind: OutlineKind;
  /** The whole entry, key through value. */
  range: Range;
  /** The entry's key. */
  selectionRange: Range;
  children: OutlineSymbol[];
}

const SECTION_KINDS: Record<string, OutlineKind> = {
  servers: 'server',
  channels: 'channel',
  operations: 'operation',
  messages: 'message',
  schemas: 'schema',
  parameters: 'parameter',
};

type Entry = { key: string; keyNode: Node; value: unknown };

/** Document symbols of an AsyncAPI 2.x or 3.x document, or of a file of shared components, YAML or JSON. */
export function outline(text: string): OutlineSymbol[] {
  const root = parsedYaml(text).contents;
  if (!isMap(root)) return [];
  const lines = new LineIndex(text);
  const symbol = (entry: Entry, kind: OutlineKind, detail?: string, children: OutlineSymbol[] = []): OutlineSymbol => {
    const keyRange = entry.keyNode.range ?? [0, 0];
    // A block collection's range runs through the blank lines after it; the symbol ends at its last character.
    let valueEnd = (entry.value as Node | null)?.range?.[1] ?? keyRange[1];
    while (valueEnd > keyRange[1] && /\s/.test(text[valueEnd - 1] ?? '')) valueEnd--;
    return {
      name: entry.key,
      ...(detail ? { detail } : {}),
      kind,
      range: lines.rangeOf(keyRange[0], valueEnd),
      selectionRange: lines.rangeOf(keyRange[0], keyRange[1]),
      children,
    };
  };
  const group = (entry: Entry, kind: OutlineKind, child: (item: Entry) => OutlineSymbol): OutlineSymbol =>
    symbol(entry, kind, undefined, entries(entry.value).map(child));

  const isV2 = /^2\./.test(scalar(root, 'asyncapi') ?? '');
  const isDocument = scalar(root, 'asyncapi') !== undefined;
  const symbols: OutlineSymbol[] = [];
  for (const entry of entries(root)) {
    switch (entry.key) {
      case 'info':
        symbols.push(symbol(entry, 'document', joined(scalar(entry.value, 'title'), scalar(entry.value, 'version'))));
        break;
      case 'servers':
        symbols.push(group(entry, 'server', (server) => symbol(server, 'server', serverDetail(server.value))));
        break;
      case 'channels':
        symbols.push(group(entry, 'channel', (channel) => (isV2 ? channelV2(channel) : channelV3(channel))));
        break;
      case 'operations':
        symbols.push(group(entry, 'operation', (operation) => symbol(operation, 'operation', operationDetail(operation.value))));
        break;
      case 'components':
        symbols.push(group(entry, 'component', (section) => componentSection(section)));
        break;
      default:
        // A file of shared definitions keeps them at its top level (`messages.yaml`: `likeComment: …`).
        if (!isDocument) symbols.push(symbol(entry, 'component', refOf(entry.value)));
    }
  }
  return symbols;

  function channelV3(channel: Entry): OutlineSymbol {
    const messages = entries(mapAt(channel.value, 'messages')).map((message) => symbol(message, 'message', messageDetail(message.value)));
    return symbol(channel, 'channel', refOf(channel.value) ?? scalar(channel.value, 'address'), messages);
  }

  function channelV2(channel: Entry): OutlineSymbol {
    const operations = entries(channel.value)
      .filter((item) => item.key === 'publish' || item.key === 'subscribe')
      .map((operation) => symbol(operation, 'operation', scalar(operation.value, 'operationId')));
    return symbol(channel, 'channel', refOf(channel.value), operations);
  }

  function componentSection(section: Entry): OutlineSymbol {
    const kind = SECTION_KINDS[section.key] ?? 'component';
    return symbol(
      section,
      kind,
      undefined,
      entries(section.value).map((item) => symbol(item, kind, refOf(item.value) ?? componentDetail(section.key, item.value))),
    );
  }
}

function entries(node: unknown): Entry[] {
  if (!isMap(node)) return [];
  return node.items.flatMap((pair) =>
    isScalar(pair.key) && pair.key.range ? [{ key: String(pair.key.value), keyNode: pair.key, value: pair.value }] : [],
  );
}

function mapAt(node: unknown, key: string): unknown {
  return entries(node).find((entry) => entry.key === key)?.value;
}

function scalar(node: unknown, key: string): string | undefined {
  const value = mapAt(node, key);
  const primitive = isScalar(value) ? value.value : undefined;
  return typeof primitive === 'string' || typeof primitive === 'number' || typeof primitive === 'boolean' ? String(primitive) : undefined;
}

const joined = (...parts: (string | undefined)[]): string | undefined => parts.filter(Boolean).join(' ') || undefined;

function refOf(node: unknown): string | undefined {
  const ref = scalar(node, '$ref');
  return ref === undefined ? undefined : `→ ${ref}`;
}

function serverDetail(server: unknown): string | undefined {
  return refOf(server) ?? joined(scalar(server, 'protocol'), scalar(server, 'host') ?? scalar(server, 'url'), scalar(server, 'pathname'));
}

/** `send orderPlaced`: the action and the key of the channel the operation's `channel` names. */
function operationDetail(operation: unknown): string | undefined {
  const channelRef = scalar(mapAt(operation, 'channel'), '$ref');
  const parsed = channelRef === undefined ? undefined : parseRef('', channelRef);
  const channel = parsed && parsed.kind !== 'remote' ? parsed.pointer[parsed.pointer.length - 1] : undefined;
  return refOf(operation) ?? joined(scalar(operation, 'action'), channel);
}

function messageDetail(message: unknown): string | undefined {
  return refOf(message) ?? scalar(message, 'title') ?? scalar(message, 'name');
}

function componentDetail(section: string, value: unknown): string | undefined {
  if (section === 'schemas') return scalar(value, 'type');
  if (section === 'messages') return messageDetail(value);
  if (section === 'servers') return serverDetail(value);
  if (section === 'channels') return scalar(value, 'address');
  if (section === 'operations') return operationDetail(value);
  return undefined;
}

/** Where each operation is declared, by the ID the event model gives it (2.x: `operationId`, else `<channel>.<verb>`). */
export function operationAnchors(text: string): { operationId: string; range: Range }[] {
  const symbols = outline(text);
  const v3 = symbols.find((symbol) => symbol.name === 'operations' && symbol.kind === 'operation');
  const v2 = symbols.find((symbol) => symbol.name === 'channels' && symbol.kind === 'channel');
  const anchors = (v3?.children ?? []).map((operation) => ({ operationId: operation.name, range: operation.selectionRange }));
  for (const channel of v2?.children ?? []) {
    for (const operation of channel.children.filter((child) => child.kind === 'operation')) {
      anchors.push({ operationId: operation.detail ?? `${channel.name}.${operation.name}`, range: operation.selectionRange });
    }
  }
  return anchors;
}
