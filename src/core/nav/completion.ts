import path from 'node:path';
import { parse } from 'yaml';
import type { Range } from '../../shared/findings';
import { LineIndex } from '../model/sourceMap';
import { cursorContext, type CursorContext } from './cursor';
import { metaSchema, metaSchemaVersion } from './metaSchema';
import { formatPointer, isObject, loadLenient, parseRef, sectionLabel, valueAt, type JsonObject } from './refs';

export interface NavInput {
  /** Absolute path of the document. */
  file: string;
  text: string;
  offset: number;
  /** Text of another file (editor buffer or disk), undefined when it cannot be read. */
  readFile(path: string): string | undefined;
}

export interface CompletionItem {
  label: string;
  kind: 'ref' | 'key' | 'value';
  insertText: string;
  detail?: string;
  documentation?: string;
  range?: Range;
}

/** Something a `$ref` can point to, and which kind of place may point to it. */
interface RefCandidate {
  ref: string;
  /** Components section (`messages`, …), `channels`, `channelMessages` or `servers`; none for a bare fragment file's entries. */
  category?: string;
  /** For `channelMessages`: the channel key, so an operation is offered its own channel's messages. */
  channel?: string;
  detail: string;
  documentation?: string;
}

/** Keys, enum values or `$ref` targets for the cursor's place in a YAML or JSON AsyncAPI document being typed. */
export function completeAt(input: NavInput): CompletionItem[] {
  const context = cursorContext(input.text, input.offset);
  if (!context) return [];
  const range = new LineIndex(input.text).rangeOf(context.replaceStart, context.replaceEnd);
  const parseDocument = (): unknown => loadLenient(context.json ? input.text : withoutTypedLine(input.text, input.offset));

  if (context.position === 'value' && context.key === '$ref') {
    // The half-typed value must not count as a file the document references.
    const withoutTyped = { ...input, text: blank(input.text, context.replaceStart, context.replaceEnd) };
    return refCompletions(withoutTyped, context, parseDocument(), range);
  }
  const schema = metaSchema(metaSchemaVersion(input.text));
  if (context.position === 'value') {
    const valuePath = context.key === undefined ? context.container : [...context.container, context.key];
    return schema.values(valuePath).map((value) => ({ label: String(value), kind: 'value', insertText: formatScalar(value, context), range }));
  }
  const present = new Set(context.presentKeys);
  return schema
    .keys(context.container)
    .filter((key) => !present.has(key.name))
    .map((key) => ({
      label: key.name,
      kind: 'key',
      insertText: formatKey(key.name, context),
      ...(key.description ? { documentation: key.description } : {}),
      range,
    }));
}

function asObject(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

const lineStart = (text: string, offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;
const lineEnd = (text: string, offset: number): number => {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline;
};

/**
 * The YAML text a `$ref` completion reads the document from: the line being typed, which is usually what
 * keeps the document from parsing, emptied. Every keystroke on one line gives the same text, so the
 * parse cache parses a large document once per line rather than once per key.
 */
export function withoutTypedLine(text: string, offset: number): string {
  return text.slice(0, lineStart(text, offset)) + text.slice(lineEnd(text, offset));
}

/** `text` with `start`–`end` turned to spaces, so offsets and line numbers stay put. */
function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
}

function formatKey(name: string, context: CursorContext): string {
  const colon = context.colonFollows ? '' : ': ';
  if (context.quote) return `${name}${context.quote}${colon}`;
  return context.json ? `"${name}"${colon}` : `${name}${colon}`;
}

/** A value as the document's syntax needs it: quoted when JSON wants a string, or when YAML would read it as another type. */
function formatScalar(value: string | number | boolean, context: CursorContext): string {
  if (typeof value !== 'string') return String(value);
  if (context.quote) return `${value}${context.quote}`;
  if (context.json) return JSON.stringify(value);
  return parse(value) === value ? value : `'${value.replace(/'/g, "''")}'`;
}

function refCompletions(input: NavInput, context: CursorContext, document: unknown, range: Range): CompletionItem[] {
  const major = metaSchemaVersion(input.text).startsWith('2.') ? 2 : 3;
  const candidates = [...localCandidates(document, major), ...externalCandidates(input)];
  const expected = expectedCategory(context.container, major);
  const channel = expected === 'channelMessages' ? operationChannel(document, context.container) : undefined;
  const fitting = candidates.filter(
    (candidate) => candidate.category === expected && (channel === undefined || candidate.channel === channel),
  );
  const offered = expected && fitting.length > 0 ? [...fitting, ...candidates.filter((candidate) => candidate.category === undefined)] : candidates;
  const quote = context.quote || (context.json ? '"' : "'");
  return offered.map((candidate) => ({
    label: candidate.ref,
    kind: 'ref',
    // Unquoted, YAML would read `#/…` as a comment: the value always ends up quoted.
    insertText: context.quote ? `${candidate.ref}${quote}` : `${quote}${candidate.ref}${quote}`,
    detail: candidate.detail,
    ...(candidate.documentation ? { documentation: candidate.documentation } : {}),
    range,
  }));
}

function describe(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  return [value.description, value.summary, value.title].find((candidate): candidate is string => typeof candidate === 'string');
}

function componentCandidates(root: unknown, prefix: string, where: string): RefCandidate[] {
  const candidates: RefCandidate[] = [];
  for (const [section, entries] of Object.entries(asObject(asObject(root).components))) {
    for (const [name, value] of Object.entries(asObject(entries))) {
      candidates.push({
        ref: prefix + formatPointer(['components', section, name]),
        category: section,
        detail: `${sectionLabel(section)} in ${where}`,
        ...documented(value),
      });
    }
  }
  return candidates;
}

function localCandidates(document: unknown, major: 2 | 3): RefCandidate[] {
  const candidates = componentCandidates(document, '', 'this document');
  if (major === 2) return candidates;
  const root = asObject(document);
  for (const [key, server] of Object.entries(asObject(root.servers))) {
    candidates.push({ ref: formatPointer(['servers', key]), category: 'servers', detail: 'server in this document', ...documented(server) });
  }
  for (const [key, channel] of Object.entries(asObject(root.channels))) {
    candidates.push({ ref: formatPointer(['channels', key]), category: 'channels', detail: 'channel in this document', ...documented(channel) });
    for (const [name, message] of Object.entries(asObject(asObject(channel).messages))) {
      candidates.push({
        ref: formatPointer(['channels', key, 'messages', name]),
        category: 'channelMessages',
        channel: key,
        detail: `message of channel ${key}`,
        ...documented(message),
      });
    }
  }
  return candidates;
}

function documented(value: unknown): { documentation?: string } {
  const documentation = describe(value);
  return documentation ? { documentation } : {};
}

/** Components of the files this document already references, spelled the way the document spells the file. */
function externalCandidates(input: NavInput): RefCandidate[] {
  const spellings = new Map<string, string>();
  for (const match of input.text.matchAll(/["']?\$ref["']?\s*:\s*["']?([^"'\s#][^"'\s#]*)/g)) {
    const spelling = match[1] ?? '';
    const parsed = parseRef(input.file, spelling);
    if (parsed?.kind === 'file' && path.resolve(parsed.file) !== path.resolve(input.file) && !spellings.has(parsed.file)) spellings.set(parsed.file, spelling);
  }
  const candidates: RefCandidate[] = [];
  for (const [file, spelling] of spellings) {
    const text = input.readFile(file);
    const root = text === undefined ? undefined : parsedFile(file, text);
    if (!isObject(root)) continue;
    if (isObject(root.components)) {
      candidates.push(...componentCandidates(root, spelling, spelling));
    } else if (!('asyncapi' in root)) {
      // A bare fragment file (`messages.yaml` holding messages at its top level): its entries fit anywhere.
      for (const [name, value] of Object.entries(root)) {
        candidates.push({ ref: spelling + formatPointer([name]), detail: `definition in ${spelling}`, ...documented(value) });
      }
    }
  }
  return candidates;
}

/** Referenced files change far less often than completion runs: their parse is kept while their text is unchanged. */
const parsedFiles = new Map<string, { text: string; root: unknown }>();
const PARSED_FILES_LIMIT = 32;

function parsedFile(file: string, text: string): unknown {
  const cached = parsedFiles.get(file);
  if (cached?.text === text) return cached.root;
  const root = loadLenient(text);
  parsedFiles.delete(file);
  if (parsedFiles.size >= PARSED_FILES_LIMIT) parsedFiles.delete(parsedFiles.keys().next().value ?? '');
  parsedFiles.set(file, { text, root });
  return root;
}

/** Which kind of object a `$ref` in the object at `container` should point to; undefined when anything goes. */
export function expectedCategory(container: readonly string[], major: 2 | 3): string | undefined {
  const last = container[container.length - 1];
  const parent = container[container.length - 2];
  const inside = (key: string): boolean => container.includes(key);
  const isIndex = (segment: string | undefined): boolean => segment !== undefined && /^\d+$/.test(segment);

  if (inside('payload') || inside('headers') || parent === 'schemas') return 'schemas';
  if (last === 'correlationId') return 'correlationIds';
  if (last === 'externalDocs') return 'externalDocs';
  if (parent === 'tags' && isIndex(last)) return 'tags';
  if (parent === 'traits' && isIndex(last)) return inside('messages') || inside('message') ? 'messageTraits' : 'operationTraits';
  if (parent === 'parameters') return 'parameters';
  if (parent === 'variables' || parent === 'serverVariables') return 'serverVariables';
  if (parent === 'security' && isIndex(last)) return 'securitySchemes';
  if (major === 2) {
    if (last === 'message' || (parent === 'oneOf' && container.includes('message')) || parent === 'messages') return 'messages';
    if (parent === 'servers') return 'servers';
    return parent === 'channels' ? 'channels' : undefined;
  }
  if (last === 'channel') return 'channels';
  if (last === 'reply') return 'replies';
  if (last === 'address' && inside('reply')) return 'replyAddresses';
  if (parent === 'messages' && isIndex(last) && inside('operations')) return 'channelMessages';
  if (parent === 'messages') return 'messages';
  if (parent === 'servers') return 'servers';
  if (parent === 'channels') return 'channels';
  if (parent === 'operations') return 'operations';
  return undefined;
}

/** The channel key an operation (or its reply) at `container` points to, for offering that channel's messages. */
function operationChannel(document: unknown, container: readonly string[]): string | undefined {
  const owner = valueAt(document, container.slice(0, -2));
  const channelRef = asObject(asObject(owner).channel).$ref;
  if (typeof channelRef !== 'string' || !channelRef.startsWith('#')) return undefined;
  const parsed = parseRef('', channelRef);
  return parsed?.kind === 'local' && parsed.pointer.length === 2 && parsed.pointer[0] === 'channels' ? parsed.pointer[1] : undefined;
}
