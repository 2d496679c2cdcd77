import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { JsonObject } from '../model/eventModel';

/** A concrete message that one version accepts and the other rejects. */
export interface Counterexample {
  /** JSON pointer of the changed place inside the message (payload, headers…). */
  at: string;
  /** The value at that place. */
  value: unknown;
  acceptedBy: 'old' | 'new';
  /** The whole message, built around `value`: validated against both versions' schemas. */
  message: unknown;
}

/** Where a change applies in a message and the values worth trying there first. */
export interface Probe {
  /** Instance path segments; `*` stands for an undeclared property. */
  at: string[];
  values: unknown[];
  /** The version that should accept the values, when the change's effect does not say it. */
  acceptedBy?: 'old' | 'new';
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Values of every JSON type and around the usual edges, tried after the rule's own candidates. */
const GENERIC_VALUES: unknown[] = [null, true, 0, -1, 1, 1.5, -0.5, 1e9, -1e9, '', 'x', 'x'.repeat(1000), [], [null], ['x', 'x'], {}, { undeclared: true }];
const FORMAT_SAMPLES: Record<string, string> = {
  'date-time': '2024-01-01T00:00:00Z',
  date: '2024-01-01',
  time: '00:00:00Z',
  uuid: '00000000-0000-4000-8000-000000000000',
  email: 'a@example.com',
  uri: 'https://example.com/',
  hostname: 'example.com',
  ipv4: '127.0.0.1',
};
const MAX_DEPTH = 12;

type Draft = '2019' | '2020';
let ajv2019: Ajv2019 | undefined;
let ajv2020: Ajv2020 | undefined;

function compiler(draft: Draft): Ajv2019 | Ajv2020 {
  if (draft === '2020') return (ajv2020 ??= addFormats(new Ajv2020({ strict: false, validateSchema: false })));
  return (ajv2019 ??= addFormats(new Ajv2019({ strict: false, validateSchema: false })));
}

/**
 * The draft a resolved schema needs (2020-12 when it uses `prefixItems`, else 2019-09, which also reads
 * draft-07's array `items`), or undefined when it is cyclic: ajv cannot compile a resolved cycle.
 */
function draftOf(root: unknown): Draft | undefined {
  let draft: Draft = '2019';
  const done = new WeakSet<object>();
  const path = new Set<object>();
  const walk = (node: unknown): boolean => {
    if (typeof node !== 'object' || node === null || done.has(node)) return true;
    if (path.has(node)) return false;
    path.add(node);
    if (!Array.isArray(node) && 'prefixItems' in node) draft = '2020';
    const acyclic = Object.values(node).every(walk);
    path.delete(node);
    done.add(node);
    return acyclic;
  };
  return walk(root) ? draft : undefined;
}

/** Compiled validators of the schemas whose counterexamples were asked for; ajv's own cache is emptied at once so a long session keeps nothing. */
const validators = new WeakMap<object, ValidateFunction | null>();

function validatorOf(schema: unknown): ValidateFunction | undefined {
  if (typeof schema === 'boolean' || schema === undefined) {
    const accepts = schema !== false;
    return Object.assign(() => accepts, { errors: null }) as unknown as ValidateFunction;
  }
  if (!isObject(schema)) return undefined;
  const known = validators.get(schema);
  if (known !== undefined) return known ?? undefined;
  const draft = draftOf(schema);
  let validate: ValidateFunction | null = null;
  if (draft) {
    const ajv = compiler(draft);
    try {
      validate = ajv.compile(schema);
    } catch {
      validate = null;
    } finally {
      ajv.removeSchema(schema);
    }
  }
  validators.set(schema, validate);
  return validate ?? undefined;
}

/** The schema that applies at one step below `schema` in a message. */
function childSchema(schema: unknown, segment: string): unknown {
  if (!isObject(schema)) return schema === false ? false : {};
  if (/^\d+$/.test(segment)) {
    const index = Number(segment);
    const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : undefined;
    if (tuple && index < tuple.length) return tuple[index];
    if (tuple) return Array.isArray(schema.prefixItems) ? (schema.items ?? {}) : (schema.additionalItems ?? {});
    if (schema.items !== undefined) return schema.items;
  }
  const properties = isObject(schema.properties) ? schema.properties : {};
  if (segment in properties) return properties[segment];
  for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
    const parts: unknown = schema[keyword];
    if (!Array.isArray(parts)) continue;
    const part = (parts as unknown[]).find((candidate) => isObject(candidate) && isObject(candidate.properties) && segment in candidate.properties);
    if (part) return childSchema(part, segment);
  }
  return isObject(schema.additionalProperties) ? schema.additionalProperties : {};
}

/** A schema with its allOf parts, or its first oneOf/anyOf branch, folded in: enough to build a witness. */
function flatten(schema: JsonObject): JsonObject {
  const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);
  const parts = [...listOf(schema.allOf), ...listOf(schema.oneOf).slice(0, 1), ...listOf(schema.anyOf).slice(0, 1)].filter(isObject).map(flatten);
  if (parts.length === 0) return schema;
  const merged: JsonObject = {};
  for (const part of [...parts, schema]) {
    for (const [key, value] of Object.entries(part)) {
      if (key === 'allOf' || key === 'oneOf' || key === 'anyOf') continue;
      if (key === 'properties' && isObject(value)) merged.properties = { ...(isObject(merged.properties) ? merged.properties : {}), ...value };
      else if (key === 'required') merged.required = [...listOf(merged.required), ...listOf(value)];
      else merged[key] = value;
    }
  }
  return merged;
}

function numberWitness(schema: JsonObject, integer: boolean): number {
  const low = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + (integer ? 1 : 0.5) : typeof schema.maximum === 'number' && schema.maximum < 0 ? schema.maximum : 0;
  const step = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : integer ? 1 : undefined;
  return step === undefined ? low : Math.ceil(low / step) * step;
}

/**
 * A small value a schema accepts (a best effort: patterns and `not` are not solved, ajv judges the
 * result). With `full`, every declared property is filled, not just the required ones.
 */
export function witness(schema: unknown, full = false, depth = 0): unknown {
  if (!isObject(schema) || depth > MAX_DEPTH) return 'x';
  const flat = flatten(schema);
  if ('const' in flat) return flat.const;
  if (Array.isArray(flat.enum) && flat.enum.length > 0) return flat.enum[0];
  const declared = typeof flat.type === 'string' ? [flat.type] : Array.isArray(flat.type) ? flat.type.map(String) : [];
  const type = declared[0] ?? (isObject(flat.properties) || Array.isArray(flat.required) ? 'object' : flat.items !== undefined || flat.prefixItems !== undefined ? 'array' : undefined);
  switch (type) {
    case 'object': {
      const properties = isObject(flat.properties) ? flat.properties : {};
      const required = Array.isArray(flat.required) ? flat.required.map(String) : [];
      const names = full ? [...new Set([...required, ...Object.keys(properties)])] : required;
      const minimum = typeof flat.minProperties === 'number' ? flat.minProperties : 0;
      for (const name of Object.keys(properties)) if (names.length < minimum && !names.includes(name)) names.push(name);
      return Object.fromEntries(names.map((name) => [name, witness(childSchema(flat, name), full, depth + 1)]));
    }
    case 'array': {
      const tuple = Array.isArray(flat.prefixItems) ? flat.prefixItems : Array.isArray(flat.items) ? flat.items : [];
      const length = Math.max(typeof flat.minItems === 'number' ? flat.minItems : 0, full ? tuple.length : 0);
      return Array.from({ length }, (_, index) => witness(childSchema(flat, String(index)), full, depth + 1));
    }
    case 'string': {
      const sample = typeof flat.format === 'string' ? (FORMAT_SAMPLES[flat.format] ?? 'x') : 'x';
      const minimum = typeof flat.minLength === 'number' ? flat.minLength : 0;
      return sample.length >= minimum ? sample : sample.padEnd(minimum, 'x');
    }
    case 'integer':
    case 'number':
      return numberWitness(flat, type === 'integer');
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'x';
  }
}

/** A message `schema` (mostly) accepts, with `value` at `path`. */
function place(schema: unknown, path: readonly string[], value: unknown): unknown {
  const [segment, ...rest] = path;
  if (segment === undefined) return value;
  const container = witness(schema);
  const arrayLike = Array.isArray(container) || (isObject(schema) && (schema.type === 'array' || schema.items !== undefined || schema.prefixItems !== undefined));
  if (arrayLike && /^\d+$/.test(segment)) {
    const items = Array.isArray(container) ? [...(container as unknown[])] : [];
    const index = Number(segment);
    for (let i = items.length; i < index; i++) items.push(witness(childSchema(schema, String(i))));
    items[index] = place(childSchema(schema, segment), rest, value);
    return items.slice(0, Math.max(index + 1, items.length));
  }
  const object = isObject(container) ? { ...container } : {};
  const declared = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
  const name = segment === '*' ? ['undeclared', 'undeclared2'].find((candidate) => !(candidate in declared)) ?? 'undeclared3' : segment;
  object[name] = place(childSchema(schema, segment), rest, value);
  return object;
}

const toPointer = (segments: readonly string[]): string => segments.map((segment) => `/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

function schemaAt(root: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((schema, segment) => childSchema(schema, segment), root);
}

/**
 * A message exactly one version accepts (the one `acceptedBy` names), or undefined when none of the
 * candidates is one: the rule's own values first, then small values the two schemas accept at the
 * place, then values of every type. Each candidate is placed in a full message and checked with ajv.
 */
export function findCounterexample(oldRoot: unknown, newRoot: unknown, probe: Probe, acceptedBy: 'old' | 'new'): Counterexample | undefined {
  const validateOld = validatorOf(oldRoot);
  const validateNew = validatorOf(newRoot);
  if (!validateOld || !validateNew) return undefined;
  const [accepting, rejecting] = acceptedBy === 'old' ? [oldRoot, newRoot] : [newRoot, oldRoot];
  const [accepts, rejects] = acceptedBy === 'old' ? [validateOld, validateNew] : [validateNew, validateOld];
  const here = [schemaAt(accepting, probe.at), schemaAt(rejecting, probe.at)];
  const candidates = [...probe.values, ...here.flatMap((schema) => [witness(schema), witness(schema, true)]), ...GENERIC_VALUES];
  const tried = new Set<string>();
  for (const value of candidates) {
    const key = JSON.stringify(value) ?? 'undefined';
    if (value === undefined || tried.has(key)) continue;
    tried.add(key);
    for (const base of [accepting, rejecting]) {
      const message = place(base, probe.at, value);
      if (accepts(message) && !rejects(message)) return { at: toPointer(probe.at), value, acceptedBy, message };
    }
  }
  return undefined;
}
