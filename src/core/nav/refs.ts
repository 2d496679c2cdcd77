import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Range } from '../../shared/findings';
import { plainValue } from '../model/parseCache';
import { SourceMap } from '../model/sourceMap';

/** Where a `$ref` points: a JSON pointer into a file (this one for `#/…`), or a URL the editor does not follow. */
export type ParsedRef = { kind: 'local' | 'file'; file: string; pointer: string[] } | { kind: 'remote'; url: string };

export type JsonObject = Record<string, unknown>;
export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const SECTION_LABELS: Record<string, string> = {
  schemas: 'schema',
  servers: 'server',
  channels: 'channel',
  operations: 'operation',
  messages: 'message',
  parameters: 'parameter',
  serverVariables: 'server variable',
  securitySchemes: 'security scheme',
  correlationIds: 'correlation ID',
  operationTraits: 'operation trait',
  messageTraits: 'message trait',
  replies: 'reply',
  replyAddresses: 'reply address',
  tags: 'tag',
  externalDocs: 'external docs',
  serverBindings: 'server bindings',
  channelBindings: 'channel bindings',
  operationBindings: 'operation bindings',
  messageBindings: 'message bindings',
};

/** What one entry of a components section (or of `servers`, `channels`, `operations`) is called: `messages` → `message`. */
export function sectionLabel(section: string): string {
  return SECTION_LABELS[section] ?? section;
}

export interface RefTarget {
  file: string;
  pointer: readonly string[];
}

export interface RefLocation {
  file: string;
  range: Range;
}

/** Resolves `ref` as written in `baseFile`; undefined for what no editor can follow (anchors, unknown schemes, bad escapes). */
export function parseRef(baseFile: string, ref: string): ParsedRef | undefined {
  const trimmed = ref.trim();
  if (/^https?:\/\//i.test(trimmed)) return { kind: 'remote', url: trimmed };
  const hash = trimmed.indexOf('#');
  const filePart = hash === -1 ? trimmed : trimmed.slice(0, hash);
  const pointer = parsePointer(hash === -1 ? '' : trimmed.slice(hash + 1));
  if (!pointer) return undefined;
  if (filePart === '') return { kind: 'local', file: baseFile, pointer };
  try {
    if (/^file:/i.test(filePart)) return { kind: 'file', file: fileURLToPath(filePart), pointer };
    // A drive letter (`C:`) is a path, any other scheme (urn:, s3:) is nothing we can open.
    if (/^[a-z][a-z0-9+.-]+:/i.test(filePart)) return undefined;
    return { kind: 'file', file: path.resolve(path.dirname(baseFile), decodeURIComponent(filePart)), pointer };
  } catch {
    return undefined;
  }
}

/** JSON pointer of a URI fragment: percent-decoded first, then `~1`/`~0` unescaped (RFC 6901 §6). */
export function parsePointer(fragment: string): string[] | undefined {
  if (fragment === '' || fragment === '/') return [];
  if (!fragment.startsWith('/')) return undefined;
  try {
    return fragment
      .slice(1)
      .split('/')
      .map((segment) => decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~'));
  } catch {
    return undefined;
  }
}

/** A URI fragment for `pointer`, escaping what would break the pointer, the URI or a quoted YAML scalar. */
export function formatPointer(pointer: readonly string[]): string {
  const escapeSegment = (segment: string): string =>
    segment
      .replace(/~/g, '~0')
      .replace(/\//g, '~1')
      // Non-ASCII stays readable; encodeURIComponent leaves `'` alone, which would end a single-quoted scalar.
      .replace(/[^A-Za-z0-9\-._~!$&()*+,;=:@?\u0080-\uffff]/g, (char) => (char === "'" ? '%27' : encodeURIComponent(char)));
  return `#/${pointer.map(escapeSegment).join('/')}`;
}

/** The `$ref` whose value is under `offset` (quotes included), with the value's range. */
export function refAt(text: string, offset: number): { ref: string; range: Range } | undefined {
  const hit = SourceMap.shared(text).nodeAt(offset);
  if (!hit || hit.onKey || hit.path[hit.path.length - 1] !== '$ref' || typeof hit.value !== 'string') return undefined;
  return { ref: hit.value, range: hit.range };
}

/** Every `$ref` in `documents` that resolves to exactly `target`. */
export function findReferences(target: RefTarget, documents: readonly { file: string; text: string }[]): RefLocation[] {
  const locations: RefLocation[] = [];
  for (const document of documents) {
    for (const ref of new SourceMap(document.text).refs()) {
      const parsed = parseRef(document.file, ref.target);
      if (parsed && parsed.kind !== 'remote' && sameTarget(parsed, target)) locations.push({ file: document.file, range: ref.range });
    }
  }
  return locations;
}

function sameTarget(a: RefTarget, b: RefTarget): boolean {
  return path.resolve(a.file) === path.resolve(b.file) && a.pointer.length === b.pointer.length && a.pointer.every((segment, index) => segment === b.pointer[index]);
}

/** Range of the key the target pointer names in `text` (the file's start for a whole-file ref); undefined when it is missing. */
export function definitionLocation(target: RefTarget, text: string): Range | undefined {
  if (target.pointer.length === 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const sourceMap = SourceMap.shared(text);
  return sourceMap.has(target.pointer) ? sourceMap.rangeOf(target.pointer, 'key') : undefined;
}

/** The plain value at `pointer` in a YAML or JSON text. */
export function resolvePointer(text: string, pointer: readonly string[]): unknown {
  return valueAt(loadLenient(text), pointer);
}

/** Parses YAML or JSON as far as it is readable: the part of a half-typed document that parses still helps. */
export function loadLenient(text: string): unknown {
  return plainValue(text);
}

/** Walks `pointer` through an already parsed value. */
export function valueAt(root: unknown, pointer: readonly string[]): unknown {
  let current = root;
  for (const segment of pointer) {
    if (Array.isArray(current)) {
      const index = Number(segment);
      if (!Number.isInteger(index) || index < 0 || index >= current.length) return undefined;
      current = current[index];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}
