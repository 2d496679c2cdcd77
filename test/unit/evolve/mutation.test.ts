import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { JSONSchemaFaker } from 'json-schema-faker';
import { loadDocument } from '../../../src/core/evolve/loader';
import { CanonicalJson } from '../../../src/core/evolve/schemaDiff';
import { createRefReader } from '../../../src/core/model/refReader';
import { CORPUS } from '../helpers';
import { app, diff, type Json } from './support';

/**
 * Random edits to the corpus payloads, classified by Eventscope and checked against an independent
 * oracle: messages sampled from one version (json-schema-faker, seeded) validated by the other (ajv).
 * A sample of the old schema that the new one rejects proves the new schema does not accept all the old
 * did; Eventscope must then call the change breaking under `backward`, and vice versa under `forward`.
 */

const MUTATIONS = 160;
const SAMPLES = 40;

/** mulberry32: small, seedable, and the same on every machine. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

async function corpusPayloads(): Promise<Json[]> {
  const canonical = new CanonicalJson();
  const seen = new Set<string>();
  const payloads: Json[] = [];
  const files = readdirSync(CORPUS, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name) && !entry.parentPath.includes('common'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) {
    const doc = await loadDocument(readFileSync(file, 'utf8'), file, createRefReader());
    for (const message of doc.model.messages) {
      const payload = message.payload;
      // Recursive schemas were cut by plain(); they and non-JSON formats are left to the unit cases.
      if (!isObject(payload) || message.schemaFormat?.includes('avro') || JSON.stringify(payload).includes('recursive schema')) continue;
      const key = canonical.of(payload);
      if (seen.has(key)) continue;
      seen.add(key);
      payloads.push(payload);
    }
  }
  return payloads;
}

/** Every object subschema with its parent chain, so an edit can land anywhere in the payload. */
function subschemas(schema: Json): Json[] {
  const found: Json[] = [schema];
  const walk = (node: Json): void => {
    const children = [...Object.values(isObject(node.properties) ? node.properties : {}), node.items].filter(isObject);
    for (const child of children) {
      found.push(child);
      walk(child);
    }
  };
  walk(schema);
  return found;
}

type Mutation = { name: string; apply: (node: Json, random: () => number) => boolean };
const TYPES = ['string', 'integer', 'number', 'boolean', 'object', 'array'];
const MUTATION_KINDS: Mutation[] = [
  { name: 'change type', apply: (node, random) => typeof node.type === 'string' && Boolean((node.type = TYPES.filter((type) => type !== node.type)[Math.floor(random() * 5)])) },
  { name: 'allow null', apply: (node) => typeof node.type === 'string' && Boolean((node.type = [node.type, 'null'])) },
  { name: 'require a property', apply: (node, random) => {
      const names = Object.keys(isObject(node.properties) ? node.properties : {});
      const required = Array.isArray(node.required) ? (node.required as string[]) : [];
      const candidates = names.filter((name) => !required.includes(name));
      if (candidates.length === 0) return false;
      node.required = [...required, candidates[Math.floor(random() * candidates.length)] as string];
      return true;
    } },
  { name: 'drop a requirement', apply: (node) => Array.isArray(node.required) && node.required.length > 0 && Boolean((node.required = node.required.slice(1))) },
  { name: 'add a property', apply: (node) => node.type === 'object' && Boolean((node.properties = { ...(isObject(node.properties) ? node.properties : {}), addedField: { type: 'integer' } })) },
  { name: 'remove a property', apply: (node, random) => {
      const names = Object.keys(isObject(node.properties) ? node.properties : {});
      if (names.length === 0) return false;
      const name = names[Math.floor(random() * names.length)] as string;
      delete (node.properties as Json)[name];
      if (Array.isArray(node.required)) node.required = node.required.filter((entry) => entry !== name);
      return true;
    } },
  { name: 'close the object', apply: (node) => node.type === 'object' && node.additionalProperties !== false && Boolean((node.additionalProperties = false)) },
  { name: 'open the object', apply: (node) => node.additionalProperties === false && delete node.additionalProperties },
  { name: 'drop an enum value', apply: (node) => Array.isArray(node.enum) && node.enum.length > 1 && Boolean((node.enum = node.enum.slice(1))) },
  { name: 'add an enum value', apply: (node) => Array.isArray(node.enum) && Boolean((node.enum = [...(node.enum as unknown[]), 'addedValue'])) },
  { name: 'restrict to an enum', apply: (node) => node.type === 'string' && !node.enum && !node.format && !node.pattern && Boolean((node.enum = ['only'])) },
  { name: 'raise the minimum', apply: (node) => (node.type === 'integer' || node.type === 'number') && Boolean((node.minimum = (typeof node.minimum === 'number' ? node.minimum : 0) + 50)) },
  { name: 'lower the maximum', apply: (node) => (node.type === 'integer' || node.type === 'number') && Boolean((node.maximum = typeof node.maximum === 'number' ? node.maximum - 1 : 1)) },
  { name: 'drop the bounds', apply: (node) => ('minimum' in node || 'maximum' in node) && (delete node.minimum, delete node.maximum) },
  { name: 'cap the length', apply: (node) => node.type === 'string' && !node.format && !node.enum && Boolean((node.maxLength = 2)) },
  { name: 'require a format', apply: (node) => node.type === 'string' && !node.format && !node.enum && Boolean((node.format = 'uuid')) },
  { name: 'drop the format', apply: (node) => typeof node.format === 'string' && delete node.format },
  { name: 'change the item type', apply: (node) => isObject(node.items) && Boolean((node.items = { type: node.items.type === 'integer' ? 'string' : 'integer' })) },
];

function mutate(payload: Json, random: () => number): { schema: Json; name: string; node: Json } | undefined {
  for (let attempt = 0; attempt < 20; attempt++) {
    const schema = structuredClone(payload);
    const nodes = subschemas(schema);
    const node = nodes[Math.floor(random() * nodes.length)] as Json;
    const kind = MUTATION_KINDS[Math.floor(random() * MUTATION_KINDS.length)] as Mutation;
    if (kind.apply(node, random)) return { schema, name: kind.name, node };
  }
  return undefined;
}

const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true, logger: false });
addFormats(ajv);
const validators = new WeakMap<object, ValidateFunction>();
function validator(schema: Json): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) validators.set(schema, (validate = ajv.compile(structuredClone(schema))));
  return validate;
}

/** Messages of `from` that `from` itself accepts (the sampler is not perfect) and that `to` rejects. */
function counterexample(from: Json, to: Json, seed: number): unknown {
  const own = validator(from);
  const other = validator(to);
  // Half the samples fill every optional property, so edits deep inside optional objects are reached.
  for (const alwaysFakeOptionals of [true, false]) {
    JSONSchemaFaker.option({ random: prng(seed), alwaysFakeOptionals, optionalsProbability: 0.5, omitNulls: false, fillProperties: true, failOnInvalidTypes: false, useDefaultValue: false, useExamplesValue: false, minItems: 1, maxItems: 3 });
    for (let i = 0; i < SAMPLES / 2; i++) {
      let sample: unknown;
      try {
        sample = JSONSchemaFaker.generate(structuredClone(from));
      } catch {
        continue;
      }
      if (own(sample) && !other(sample)) return sample;
    }
  }
  return undefined;
}

/**
 * Why the oracle can find no counterexample for a breaking verdict. Each is a blind spot of sampling
 * (or, for the last, a deliberate over-approximation of Eventscope: a false alarm, never a missed break).
 */
function oracleBlindSpot(mode: 'backward' | 'forward', mutation: string, node: Json): string | undefined {
  const names = Object.keys(isObject(node.properties) ? node.properties : {});
  if (mode === 'backward' && mutation === 'add a property') return 'json-schema-faker fills an open object with randomly named extras, never the added name, so no old message carries it with another type';
  if (mode === 'forward' && mutation === 'remove a property') return 'likewise, new messages never carry the removed name as an extra property with a value the old schema rejects';
  if (mode === 'backward' && mutation === 'require a property' && names.length <= 1) return 'json-schema-faker never generates an empty object for a schema that declares properties, so the newly required one is always present';
  if (mutation === 'lower the maximum' || mutation === 'raise the minimum') return 'a bound moved by a little: only values at the edge tell the versions apart, and uniform samples rarely hit them';
  if (mode === 'forward' && mutation === 'drop the format' && typeof node.format !== 'string') return 'ajv ignores formats it does not know (iri-reference), so to the oracle the format never constrained anything';
  if (mutation === 'allow null' && ['oneOf', 'anyOf', 'allOf'].some((keyword) => keyword in node)) return 'every combinator branch requires its own type, so null stays rejected; Eventscope does not intersect types across branches and flags the widening conservatively';
  return undefined;
}

/**
 * The oracle only samples, so it can miss a difference (a bound at the edge, a property the sampler left
 * out); then Eventscope's "breaking" stays unconfirmed, which is the oracle's limit, not a disagreement.
 * Eventscope's "non-breaking" against a real counterexample would be a wrong answer: that must never happen.
 */
describe('mutation test against a sampling oracle', () => {
  it(`${MUTATIONS} seeded edits of corpus payloads agree with json-schema-faker + ajv`, async (t) => {
    const payloads = await corpusPayloads();
    assert.ok(payloads.length >= 20, `only ${payloads.length} payloads`);
    const random = prng(20260601);
    const wrong: string[] = [];
    const unexplained: string[] = [];
    let confirmed = 0;
    let unconfirmed = 0;
    let undecided = 0;
    let checked = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const payload = payloads[Math.floor(random() * payloads.length)] as Json;
      const mutation = mutate(payload, random);
      if (!mutation) continue;
      checked++;
      for (const mode of ['backward', 'forward'] as const) {
        const report = await diff(app('receive', payload), app('receive', mutation.schema), { mode });
        if (report.summary.unclassified > 0) {
          undecided++;
          continue;
        }
        // backward: every old message must pass the new schema; forward: every new message the old one.
        const [from, to] = mode === 'backward' ? [payload, mutation.schema] : [mutation.schema, payload];
        const example = counterexample(from, to, i * 2 + (mode === 'forward' ? 1 : 0));
        const breaking = report.summary.breaking > 0;
        if (!breaking && example !== undefined) {
          wrong.push(`#${i} ${mutation.name} (${mode}): said non-breaking, but ${JSON.stringify(example)} is accepted by one version and rejected by the other`);
        } else if (breaking && example !== undefined) confirmed++;
        else if (breaking) {
          unconfirmed++;
          if (!oracleBlindSpot(mode, mutation.name, mutation.node)) unexplained.push(`#${i} ${mutation.name} (${mode}): ${report.changes.map((change) => change.message).join('; ')}`);
        }
      }
    }
    t.diagnostic(`${checked} edits, ${payloads.length} payloads: ${confirmed} breaking verdicts confirmed by a counterexample, ${unconfirmed} not reached by the samples, ${undecided} unclassified`);
    assert.deepEqual(wrong, []);
    assert.deepEqual(unexplained, [], 'breaking verdicts the oracle could not confirm and no known blind spot explains');
    assert.ok(checked >= MUTATIONS * 0.9, `only ${checked} mutations applied`);
    assert.ok(confirmed > unconfirmed, `confirmed ${confirmed}, unconfirmed ${unconfirmed}, undecided ${undecided}`);
  });
});
