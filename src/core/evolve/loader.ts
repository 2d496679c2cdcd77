import path from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import { buildEventModel, type EventModel, type JsonObject } from '../model/eventModel';
import { SourceMap } from '../model/sourceMap';
import type { Range } from '../../shared/findings';
import { PositionIndex } from './positions';
import type { RefReader } from '../model/asyncapiParser';

/** Where a node of the resolved document is written: a file and the JSON pointer segments inside it. */
export interface SourceLocation {
  file: string;
  pointer: string[];
}

/** Marks a `$ref` that could not be read, so the diff can say why it could not decide. */
export const UNRESOLVED = 'x-eventscope-unresolved';

/** A location kept as a link to its parent, so a million nodes do not each copy their path; spelled out on demand. */
class NodeOrigin implements SourceLocation {
  private spelled?: string[];

  constructor(
    readonly file: string,
    private readonly parent: NodeOrigin | undefined,
    private readonly key: string | undefined,
  ) {}

  get pointer(): string[] {
    if (!this.spelled) this.spelled = this.parent && this.key !== undefined ? [...this.parent.pointer, this.key] : [];
    return this.spelled;
  }

  child(key: string): NodeOrigin {
    return new NodeOrigin(this.file, this, key);
  }

  static at(file: string, pointer: string[]): NodeOrigin {
    return pointer.reduce((origin, key) => origin.child(key), new NodeOrigin(file, undefined, undefined));
  }
}

/**
 * One version of a document, resolved for comparison: `$ref`s replaced by their targets (shared
 * objects keep their identity, so a schema reused in ten places is one object and cycles stay cycles),
 * traits merged, and every object's source location kept so a change is reported where it is written.
 */
export interface LoadedDocument {
  file: string;
  resolved: JsonObject;
  model: EventModel;
  origins: WeakMap<object, SourceLocation>;
  texts: Map<string, string>;
  /** The range of a pointer in one of the document's files (0-based lines), worked out on first use. */
  rangeOf(file: string, pointer: readonly string[]): Range | undefined;
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export class DocumentLoadError extends Error {}

/**
 * Reads and resolves a document without the parser's validation run: a diff needs the resolved tree
 * and where each node came from, and a 1,000-channel document must compare in well under a second.
 */
export async function loadDocument(text: string, file: string, reader: RefReader): Promise<LoadedDocument> {
  const resolver = new Resolver(reader);
  resolver.addText(file, text);
  await resolver.preload(file);
  const resolved = resolver.resolve(file, []);
  if (!isObject(resolved)) throw new DocumentLoadError(`${file} is not an AsyncAPI document`);
  applyTraits(resolved);
  const model = buildEventModel(resolved);
  if (!model) throw new DocumentLoadError(`${file} is not an AsyncAPI 2.x or 3.x document`);
  const maps = new Map<string, { rangeOf(path: readonly string[]): Range }>();
  return {
    file,
    resolved,
    model,
    origins: resolver.origins,
    texts: resolver.texts,
    rangeOf: (name, pointer) => {
      const source = resolver.texts.get(name);
      if (source === undefined) return undefined;
      let map = maps.get(name);
      // The fast index from js-yaml's parse events; the full positional parse when it cannot read the text.
      if (!map) maps.set(name, (map = PositionIndex.build(source) ?? new SourceMap(source)));
      return map.rangeOf(pointer);
    },
  };
}

/**
 * js-yaml, an order of magnitude faster than `yaml` on large documents (a 1,000-channel document is
 * about 1 MB); YAML 1.2 core types like the rest of Eventscope, and a repeated key keeps its last value.
 */
function parseText(text: string): unknown {
  if (/^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // Not strict JSON (comments, trailing commas): YAML reads it.
    }
  }
  return loadYaml(text, { schema: CORE_SCHEMA, json: true });
}

function splitRef(ref: string, from: string): { file: string; pointer: string[] } | { remote: string } {
  const hash = ref.indexOf('#');
  const target = hash === -1 ? ref : ref.slice(0, hash);
  const fragment = hash === -1 ? '' : ref.slice(hash + 1);
  if (/^https?:\/\//.test(target)) return { remote: ref };
  const file = target === '' ? from : path.resolve(path.dirname(from), decodeURI(target));
  const pointer = fragment
    .split('/')
    .slice(1)
    .map((segment) => decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~'));
  return { file, pointer };
}

class Resolver {
  readonly texts = new Map<string, string>();
  readonly origins = new WeakMap<object, SourceLocation>();
  private readonly parsed = new Map<string, unknown>();
  private readonly failures = new Map<string, string>();
  private readonly visited = new WeakSet<object>();
  private readonly refs = new Map<string, unknown>();

  constructor(private readonly reader: RefReader) {}

  addText(file: string, text: string): void {
    this.texts.set(file, text);
    try {
      this.parsed.set(file, parseText(text));
    } catch (error) {
      throw new DocumentLoadError(`${file}: ${(error as Error).message}`);
    }
  }

  /** Reads every file the document's relative `$ref`s reach, so resolving itself stays synchronous. */
  async preload(file: string): Promise<void> {
    const pending = [file];
    const seen = new Set(pending);
    while (pending.length > 0) {
      const current = pending.pop() as string;
      const refs: string[] = [];
      collectRefs(this.parsed.get(current), refs);
      for (const ref of refs) {
        if (ref.startsWith('#')) continue;
        const target = splitRef(ref, current);
        if ('remote' in target || seen.has(target.file)) continue;
        seen.add(target.file);
        try {
          if (!this.parsed.has(target.file)) this.addText(target.file, await this.reader.readFile(target.file));
          pending.push(target.file);
        } catch (error) {
          this.failures.set(target.file, (error as Error).message);
        }
      }
    }
  }

  /** The resolved value at a location; the same location always yields the same object. */
  resolve(file: string, pointer: string[]): unknown {
    const located = this.locate(file, pointer, new Set());
    if ('unresolved' in located) return { [UNRESOLVED]: located.unresolved };
    return this.resolveNode(located.node, NodeOrigin.at(located.file, located.pointer));
  }

  /**
   * Resolves a raw node in place: each `$ref` object is replaced by its (shared) target, so nothing is
   * copied. A node reached again through another `$ref` was resolved on its first visit and keeps that origin.
   */
  private resolveNode(raw: unknown, origin: NodeOrigin): unknown {
    if (typeof raw !== 'object' || raw === null) return raw;
    if (isObject(raw) && typeof raw.$ref === 'string') return this.resolveRef(raw.$ref, origin);
    if (this.visited.has(raw)) return raw;
    this.visited.add(raw);
    this.origins.set(raw, origin);
    if (Array.isArray(raw)) {
      for (let i = 0; i < raw.length; i++) raw[i] = this.resolveNode(raw[i], origin.child(String(i)));
    } else {
      const object = raw as JsonObject;
      for (const key of Object.keys(object)) {
        const value = object[key];
        if (typeof value !== 'object' || value === null) continue;
        const resolved = this.resolveNode(value, origin.child(key));
        // defineProperty, so a "__proto__" key in a document stays a plain key.
        if (key === '__proto__') Object.defineProperty(object, key, { value: resolved, enumerable: true, writable: true, configurable: true });
        else object[key] = resolved;
      }
    }
    return raw;
  }

  /** The same `$ref` text in the same file always names the same target. */
  private resolveRef(ref: string, origin: NodeOrigin): unknown {
    const key = `${origin.file}\u0000${ref}`;
    if (this.refs.has(key)) return this.refs.get(key);
    const value = this.resolve(origin.file, origin.pointer);
    this.refs.set(key, value);
    return value;
  }

  /** Walks a pointer through the raw files, following `$ref`s on the way, to where the value is written. */
  private locate(file: string, pointer: string[], following: Set<string>): { file: string; pointer: string[]; node: unknown } | { unresolved: string } {
    let currentFile = file;
    let node = this.parsed.get(file);
    if (node === undefined && !this.parsed.has(file)) return { unresolved: this.failures.get(file) ?? `cannot read ${file}` };
    let walked: string[] = [];
    for (let depth = 0; ; depth++) {
      if (isObject(node) && typeof node.$ref === 'string') {
        const ref = node.$ref;
        const loopKey = `${currentFile}#${walked.join('/')}`;
        if (following.has(loopKey)) return { unresolved: `$ref cycle at ${ref}` };
        following.add(loopKey);
        const target = splitRef(ref, currentFile);
        if ('remote' in target) return { unresolved: `remote $ref ${target.remote} is not fetched` };
        const inner = this.locate(target.file, target.pointer, following);
        if ('unresolved' in inner) return inner;
        currentFile = inner.file;
        walked = inner.pointer;
        node = inner.node;
      }
      if (depth === pointer.length) return { file: currentFile, pointer: walked, node };
      const segment = pointer[depth] as string;
      if (Array.isArray(node)) node = node[Number(segment)];
      else if (isObject(node)) node = node[segment];
      else return { unresolved: `${currentFile}#/${[...walked, segment].join('/')} does not exist` };
      walked = [...walked, segment];
      if (node === undefined) return { unresolved: `${currentFile}#/${walked.join('/')} does not exist` };
    }
  }
}

function collectRefs(node: unknown, into: string[]): void {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, into);
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') into.push(value);
      else collectRefs(value, into);
    }
  }
}

/**
 * Merges message and operation traits the way the parser does (the object's own fields win), so a
 * header moved from a trait into the message is no change.
 */
function applyTraits(doc: JsonObject): void {
  const done = new Set<object>();
  const merge = (owner: JsonObject): void => {
    if (done.has(owner) || !Array.isArray(owner.traits)) return;
    done.add(owner);
    const traits = owner.traits.filter(isObject);
    delete owner.traits;
    const own = { ...owner };
    for (const trait of traits) {
      for (const [key, value] of Object.entries(trait)) {
        if (key in own) continue;
        owner[key] = isObject(owner[key]) && isObject(value) ? { ...value, ...(owner[key]) } : value;
      }
    }
  };
  const messagesOf = (value: unknown): JsonObject[] => {
    if (!isObject(value)) return [];
    if (Array.isArray(value.oneOf)) return value.oneOf.filter(isObject);
    return [value];
  };
  const channels = isObject(doc.channels) ? Object.values(doc.channels).filter(isObject) : [];
  for (const channel of channels) {
    for (const verb of ['publish', 'subscribe']) {
      const operation = channel[verb];
      if (!isObject(operation)) continue;
      merge(operation);
      messagesOf(operation.message).forEach(merge);
    }
    if (isObject(channel.messages)) Object.values(channel.messages).filter(isObject).forEach(merge);
  }
  const operations = isObject(doc.operations) ? Object.values(doc.operations).filter(isObject) : [];
  operations.forEach(merge);
  const components = isObject(doc.components) ? doc.components : {};
  if (isObject(components.messages)) Object.values(components.messages).filter(isObject).forEach(merge);
}
