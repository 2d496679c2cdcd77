import specs from '@asyncapi/specs';
import { isObject, valueAt } from './refs';

/** A key the AsyncAPI meta-schema allows at some place, with its description for the completion's documentation. */
export interface SchemaKey {
  name: string;
  description?: string;
}

type SchemaObject = Record<string, unknown>;
/** A subschema with the id relative `$ref`s inside it resolve against. */
interface Located {
  schema: SchemaObject;
  base: string;
}

const DEFAULT_VERSION = '3.0.0';
const metaSchemas: Record<string, unknown> = specs.schemas;
const withoutHash = (id: string): string => id.replace(/#$/, '');

/** The meta-schema version for a document: its `asyncapi` field, else the nearest known version of the same major. */
export function metaSchemaVersion(text: string): string {
  const declared = /^\s*["']?asyncapi["']?\s*:\s*["']?(\d+)\.(\d+)\.(\d+)/m.exec(text);
  if (!declared) return DEFAULT_VERSION;
  const version = `${declared[1]}.${declared[2]}.${declared[3]}`;
  if (version in metaSchemas) return version;
  const sameMajor = Object.keys(metaSchemas)
    .filter((known) => known.startsWith(`${declared[1]}.`))
    .sort(compareVersions);
  return sameMajor.filter((known) => compareVersions(known, version) <= 0).pop() ?? sameMajor[0] ?? DEFAULT_VERSION;
}

function compareVersions(a: string, b: string): number {
  const [left, right] = [a, b].map((version) => version.split('.').map(Number));
  for (let index = 0; index < 3; index++) {
    const difference = (left?.[index] ?? 0) - (right?.[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

const compiled = new Map<string, MetaSchema>();

/** The walker for one meta-schema version, built once: completion runs on every keystroke. */
export function metaSchema(version: string): MetaSchema {
  let walker = compiled.get(version);
  if (!walker) {
    const root = metaSchemas[version] ?? metaSchemas[DEFAULT_VERSION];
    walker = new MetaSchema(isObject(root) ? root : {});
    compiled.set(version, walker);
  }
  return walker;
}

/**
 * Answers "what may go here" for a JSON path by walking the bundled meta-schema: `$ref`s across its
 * definitions (keyed by their `$id`), unions (`allOf`/`anyOf`/`oneOf`, `if`/`then`/`else`) taken together.
 */
export class MetaSchema {
  private readonly documents = new Map<string, SchemaObject>();
  private readonly expansions = new WeakMap<SchemaObject, Located[]>();
  private readonly patterns = new Map<string, RegExp | undefined>();
  private readonly root: Located;

  constructor(root: SchemaObject) {
    const rootId = typeof root.$id === 'string' ? withoutHash(root.$id) : 'urn:asyncapi';
    this.root = { schema: root, base: rootId };
    this.documents.set(rootId, root);
    for (const [id, definition] of Object.entries(isObject(root.definitions) ? root.definitions : {})) {
      if (!isObject(definition)) continue;
      this.documents.set(withoutHash(id), definition);
      if (typeof definition.$id === 'string') this.documents.set(withoutHash(definition.$id), definition);
    }
  }

  /** Keys the value at `path` may have, in schema order. */
  keys(path: readonly string[]): SchemaKey[] {
    const keys = new Map<string, SchemaKey>();
    for (const { schema, base } of this.at(path)) {
      if (!isObject(schema.properties)) continue;
      for (const [name, property] of Object.entries(schema.properties)) {
        const known = keys.get(name);
        if (known?.description) continue;
        const description = isObject(property) ? this.describe({ schema: property, base }) : undefined;
        keys.set(name, description === undefined ? { name } : { name, description });
      }
    }
    return [...keys.values()];
  }

  /** Scalar values the value at `path` may take: enums, consts and booleans. */
  values(path: readonly string[]): (string | number | boolean)[] {
    const values = new Set<string | number | boolean>();
    for (const { schema } of this.at(path)) {
      if (Array.isArray(schema.enum)) for (const value of schema.enum) if (isScalar(value)) values.add(value);
      if (isScalar(schema.const)) values.add(schema.const);
      if (schema.type === 'boolean') [true, false].forEach((value) => values.add(value));
    }
    return [...values];
  }

  private at(path: readonly string[]): Located[] {
    let current = this.expand(this.root);
    for (const segment of path) {
      current = current.flatMap((located) => this.child(located, segment)).flatMap((located) => this.expand(located));
      if (current.length === 0) break;
    }
    return current;
  }

  private describe(located: Located): string | undefined {
    if (typeof located.schema.description === 'string') return located.schema.description;
    const described = this.expand(located).find(({ schema }) => typeof schema.description === 'string');
    return described?.schema.description as string | undefined;
  }

  /** Subschemas for the member `segment` of a value matching `located` (itself already expanded). */
  private child({ schema, base }: Located, segment: string): Located[] {
    const children: unknown[] = [];
    const properties = isObject(schema.properties) ? schema.properties : {};
    let named = Object.hasOwn(properties, segment);
    if (named) children.push(properties[segment]);
    for (const [pattern, subschema] of Object.entries(isObject(schema.patternProperties) ? schema.patternProperties : {})) {
      // Extensions hold anything; offering their schema's keys would only be noise.
      if (pattern.startsWith('^x-')) continue;
      if (this.regex(pattern)?.test(segment)) {
        children.push(subschema);
        named = true;
      }
    }
    if (!named && isObject(schema.additionalProperties)) children.push(schema.additionalProperties);
    if (/^\d+$/.test(segment)) {
      const items = schema.items;
      children.push(Array.isArray(items) ? (items[Number(segment)] ?? schema.additionalItems) : items);
    }
    return children.filter(isObject).map((child) => this.locate(child, base));
  }

  /** `located` and every schema it brings in through `$ref`s and combinators, each once. */
  private expand(located: Located, visiting = new Set<SchemaObject>()): Located[] {
    const cached = this.expansions.get(located.schema);
    if (cached) return cached;
    if (visiting.has(located.schema)) return [];
    visiting.add(located.schema);
    const { schema, base } = located;
    const expanded: Located[] = [located];
    if (typeof schema.$ref === 'string') {
      const target = this.resolve(schema.$ref, base);
      if (target) expanded.push(...this.expand(target, visiting));
    }
    for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
      const branches = schema[keyword];
      if (Array.isArray(branches)) for (const branch of branches) if (isObject(branch)) expanded.push(...this.expand(this.locate(branch, base), visiting));
    }
    for (const keyword of ['then', 'else']) {
      const branch = schema[keyword];
      if (isObject(branch)) expanded.push(...this.expand(this.locate(branch, base), visiting));
    }
    visiting.delete(schema);
    const unique = [...new Map(expanded.map((entry) => [entry.schema, entry])).values()];
    // Only complete expansions are cached: one cut short by a cycle depends on where the walk entered.
    if (visiting.size === 0) this.expansions.set(schema, unique);
    return unique;
  }

  private locate(schema: SchemaObject, base: string): Located {
    return { schema, base: typeof schema.$id === 'string' ? withoutHash(new URL(schema.$id, base).href) : base };
  }

  private resolve(ref: string, base: string): Located | undefined {
    let url: URL;
    try {
      url = new URL(ref, base);
    } catch {
      return undefined;
    }
    const fragment = decodeURIComponent(url.hash.slice(1));
    url.hash = '';
    const documentId = withoutHash(url.href);
    const document = this.documents.get(documentId);
    const pointer = fragment.split('/').slice(1);
    const target = document && valueAt(document, pointer);
    return isObject(target) ? this.locate(target, documentId) : undefined;
  }

  private regex(pattern: string): RegExp | undefined {
    if (!this.patterns.has(pattern)) {
      let compiledPattern: RegExp | undefined;
      try {
        compiledPattern = new RegExp(pattern);
      } catch {
        compiledPattern = undefined;
      }
      this.patterns.set(pattern, compiledPattern);
    }
    return this.patterns.get(pattern);
  }
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
