import type { JsonObject } from '../model/eventModel';
import { findCounterexample, witness, type Counterexample, type Probe } from './counterexample';
import { UNRESOLVED, type SourceLocation } from './loader';
import type { RuleId } from './rules';

export type { Counterexample } from './counterexample';

/**
 * What a change does to the set of messages a schema accepts. The class follows from the effect and
 * the role: narrowing is safe for what an application sends and breaks what it receives.
 */
export type Effect = 'narrows' | 'widens' | 'incompatible' | 'neutral' | 'undecided';

export interface SchemaChange {
  rule: RuleId;
  effect: Effect;
  message: string;
  old?: SourceLocation;
  new?: SourceLocation;
  /** Set by the document diff for a change inside a message's payload or headers. */
  part?: 'payload' | 'headers';
  /** Where in the message the change applies and the values to try there; see `attachCounterexample`. */
  probe?: Probe;
  /** A message one version accepts and the other rejects, verified with ajv; worked out on first read. */
  readonly counterexample?: Counterexample;
}

/**
 * Gives a change a lazily computed counterexample over the two versions' whole (message-level)
 * schemas: compiling them costs milliseconds, and only reports that show counterexamples pay it.
 */
export function attachCounterexample(change: SchemaChange, oldRoot: unknown, newRoot: unknown): void {
  const { probe, effect } = change;
  if (!probe || (effect !== 'narrows' && effect !== 'widens' && effect !== 'incompatible')) return;
  const preferred = probe.acceptedBy ?? 'new';
  const directions: ('old' | 'new')[] = effect === 'narrows' ? ['old'] : effect === 'widens' ? ['new'] : [preferred, preferred === 'old' ? 'new' : 'old'];
  let found: { example: Counterexample | undefined } | undefined;
  Object.defineProperty(change, 'counterexample', {
    enumerable: true,
    get: () => {
      found ??= { example: directions.map((direction) => findCounterexample(oldRoot, newRoot, probe, direction)).find(Boolean) };
      return found.example;
    },
  });
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keywords that say nothing about which messages are valid. */
const ANNOTATIONS = new Set(['title', 'description', 'examples', 'example', '$comment', '$id', '$schema', '$anchor', 'deprecated', 'readOnly', 'writeOnly', 'externalDocs', 'xml', 'x-parser-schema-id', '$defs', 'definitions', 'contentMediaType', 'contentEncoding']);
const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum'];
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum'];
const LOWER_LENGTHS = ['minLength', 'minItems', 'minProperties'];
const UPPER_LENGTHS = ['maxLength', 'maxItems', 'maxProperties'];
/** Keywords compared one by one below; any other validation keyword that changes is undecided. */
const HANDLED = new Set([
  'type', 'nullable', 'enum', 'const', ...LOWER_BOUNDS, ...UPPER_BOUNDS, ...LOWER_LENGTHS, ...UPPER_LENGTHS, 'multipleOf', 'pattern', 'format', 'uniqueItems',
  'properties', 'required', 'additionalProperties', 'unevaluatedProperties', 'items', 'prefixItems', 'additionalItems', 'unevaluatedItems',
  'oneOf', 'anyOf', 'allOf', 'discriminator', 'default',
]);

export class CanonicalJson {
  private readonly memo = new WeakMap<object, string>();
  private readonly equalPairs = new WeakMap<object, WeakSet<object>>();
  private readonly comparing: [object, object][] = [];

  /**
   * Deep equality without building strings: most of a large document is unchanged, and a schema reused
   * by a thousand messages is compared once. A pair met again inside itself (a cycle) counts as equal.
   */
  equal(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (this.equalPairs.get(a)?.has(b)) return true;
    if (this.comparing.some(([x, y]) => x === a && y === b)) return true;
    this.comparing.push([a, b]);
    let same: boolean;
    if (Array.isArray(a)) {
      const other = b as unknown[];
      same = a.length === other.length && a.every((item, index) => this.equal(item, other[index]));
    } else {
      const left = a as JsonObject;
      const right = b as JsonObject;
      const keys = Object.keys(left);
      same = keys.length === Object.keys(right).length && keys.every((key) => key in right && this.equal(left[key], right[key]));
    }
    this.comparing.pop();
    if (same) {
      let known = this.equalPairs.get(a);
      if (!known) this.equalPairs.set(a, (known = new WeakSet()));
      known.add(b);
    }
    return same;
  }

  /** Sorted-key JSON; a cycle back to an ancestor prints as a marker, so recursive schemas compare too. */
  of(value: unknown, stack: object[] = []): string {
    if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'undefined';
    const known = this.memo.get(value);
    if (known !== undefined) return known;
    const depth = stack.indexOf(value);
    if (depth !== -1) return `{"$cycle":${stack.length - depth}}`;
    stack.push(value);
    const text = Array.isArray(value)
      ? `[${value.map((item) => this.of(item, stack)).join(',')}]`
      : `{${Object.keys(value)
          .sort()
          .map((key) => `${JSON.stringify(key)}:${this.of((value as JsonObject)[key], stack)}`)
          .join(',')}}`;
    stack.pop();
    // Only values outside any cycle are stable enough to reuse.
    if (!text.includes('$cycle')) this.memo.set(value, text);
    return text;
  }
}

type TypeName = string;

const isIntegerStep = (step: unknown): boolean => typeof step === 'number' && Number.isInteger(step) && step > 0;

/** The declared types (with `nullable`); a number that must be a multiple of an integer is an integer. */
function declaredTypes(schema: JsonObject): Set<TypeName> | undefined {
  const declared = schema.type;
  const types = typeof declared === 'string' ? [declared] : Array.isArray(declared) ? declared.filter((t): t is string => typeof t === 'string') : undefined;
  if (!types) return undefined;
  const set = new Set(types);
  if (schema.nullable === true) set.add('null');
  if (set.has('number') && isIntegerStep(schema.multipleOf)) {
    set.delete('number');
    set.add('integer');
  }
  return set;
}

/** The types a schema's values can have: a const or enum allows only its own values' types. */
function typeSet(schema: JsonObject): Set<TypeName> | undefined {
  const types = declaredTypes(schema);
  const listed = 'const' in schema ? [schema.const] : Array.isArray(schema.enum) ? schema.enum : undefined;
  if (!listed) return types;
  return new Set(listed.map(jsonType).filter((type) => !types || typesWithin(new Set([type]), types)));
}

/** Numbers of the schema can only be integers (other types, such as null, may be allowed too). */
function integerOnly(schema: JsonObject): boolean {
  const types = declaredTypes(schema);
  return types !== undefined && types.has('integer') && !types.has('number');
}

interface Bound {
  /** The bound as compared: for integers, the inclusive integer it amounts to. */
  value: number;
  exclusive: boolean;
  keyword: string;
  raw: number;
}

/** The tighter of `minimum`/`exclusiveMinimum` (or the maxima), draft-04's boolean `exclusiveMinimum` included. */
function effectiveBound(schema: JsonObject, lower: boolean, integer: boolean): Bound | undefined {
  const [inclusiveKey, exclusiveKey] = lower ? ['minimum', 'exclusiveMinimum'] : ['maximum', 'exclusiveMaximum'];
  const inclusive = schema[inclusiveKey];
  const exclusive = schema[exclusiveKey];
  const bounds: Bound[] = [];
  if (typeof inclusive === 'number') bounds.push({ value: inclusive, exclusive: exclusive === true, keyword: inclusiveKey, raw: inclusive });
  if (typeof exclusive === 'number') bounds.push({ value: exclusive, exclusive: true, keyword: exclusiveKey, raw: exclusive });
  const normalized = bounds.map((bound): Bound => {
    if (!integer) return bound;
    const value = lower ? (bound.exclusive ? Math.floor(bound.value) + 1 : Math.ceil(bound.value)) : bound.exclusive ? Math.ceil(bound.value) - 1 : Math.floor(bound.value);
    return { ...bound, value, exclusive: false };
  });
  return normalized.reduce<Bound | undefined>((best, bound) => (tighterBound(best, bound, lower) > 0 ? bound : best), undefined);
}

/** 1 when `after` is the tighter bound, -1 when `before` is, 0 when they admit the same numbers. */
function tighterBound(before: Bound | undefined, after: Bound | undefined, lower: boolean): number {
  if (!before && !after) return 0;
  if (!before) return 1;
  if (!after) return -1;
  if (before.value !== after.value) return (after.value > before.value) === lower ? 1 : -1;
  if (before.exclusive === after.exclusive) return 0;
  return after.exclusive ? 1 : -1;
}

const describeBound = (bound: Bound | undefined): string => (bound ? `${bound.keyword} ${bound.raw}` : 'no bound');

/** The step numbers must be a multiple of; integers are multiples of 1. */
function effectiveStep(schema: JsonObject, integer: boolean): number | undefined {
  const step = typeof schema.multipleOf === 'number' ? schema.multipleOf : undefined;
  return integer ? (step !== undefined && isIntegerStep(step) ? step : 1) : step;
}

/** A string, array or object of `length` for a length keyword's counterexample. */
function sized(keyword: string, schema: JsonObject, length: number): unknown {
  if (keyword.endsWith('Length')) return 'x'.repeat(length);
  if (keyword.endsWith('Items')) return witness({ ...schema, minItems: length, maxItems: length });
  return Object.fromEntries(Array.from({ length }, (_, index) => [`p${index}`, 'x']));
}

/** Every value of type set `inner` is of type set `outer` (an integer is a number). */
function typesWithin(inner: Set<TypeName>, outer: Set<TypeName>): boolean {
  return [...inner].every((type) => outer.has(type) || (type === 'integer' && outer.has('number')));
}

function jsonType(value: unknown): TypeName {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function sampleOfType(type: TypeName): unknown {
  const samples: Record<string, unknown> = { null: null, string: 'x', integer: 1, number: 1.5, boolean: true, object: {}, array: [] };
  return samples[type];
}

function describeTypes(types: Set<TypeName> | undefined): string {
  return types ? [...types].join('|') : 'any';
}

/** Compares two schemas of one place in two versions and reports each change with its effect. */
export class SchemaComparer {
  private readonly visiting = new Map<object, Set<object>>();
  /** Where in a message the schema being compared applies. */
  private readonly instance: string[] = [];

  constructor(
    private readonly canonical: CanonicalJson,
    private readonly originOld: (node: object) => SourceLocation | undefined,
    private readonly originNew: (node: object) => SourceLocation | undefined,
    private readonly sink: (change: SchemaChange) => void,
  ) {}

  /** Every change is probed where it applies in the message, with the rule's own candidate values if it has some. */
  private emit(change: SchemaChange): void {
    this.sink({ ...change, probe: change.probe ?? { at: [...this.instance], values: [] } });
  }

  compare(oldSchema: unknown, newSchema: unknown, oldAt: SourceLocation, newAt: SourceLocation): void {
    if (this.canonical.equal(oldSchema, newSchema)) return;
    const oldLoc = this.locate(oldSchema, oldAt, this.originOld);
    const newLoc = this.locate(newSchema, newAt, this.originNew);
    if (typeof oldSchema === 'boolean' || typeof newSchema === 'boolean' || oldSchema === undefined || newSchema === undefined) {
      this.compareBooleans(oldSchema, newSchema, oldLoc, newLoc);
      return;
    }
    if (!isObject(oldSchema) || !isObject(newSchema)) {
      this.emit({ rule: 'schema-changed', effect: 'undecided', message: 'The schema is not a JSON Schema object in one version', old: oldLoc, new: newLoc });
      return;
    }
    if (UNRESOLVED in oldSchema || UNRESOLVED in newSchema) {
      const reason = String((newSchema[UNRESOLVED] ?? oldSchema[UNRESOLVED]));
      this.emit({ rule: 'schema-unresolved', effect: 'undecided', message: `Cannot compare: ${reason}`, old: oldLoc, new: newLoc });
      return;
    }
    let seen = this.visiting.get(oldSchema);
    if (!seen) this.visiting.set(oldSchema, (seen = new Set()));
    if (seen.has(newSchema)) return;
    seen.add(newSchema);
    this.compareObjects(oldSchema, newSchema, oldLoc, newLoc);
  }

  private locate(node: unknown, fallback: SourceLocation, origin: (node: object) => SourceLocation | undefined): SourceLocation {
    return (typeof node === 'object' && node !== null ? origin(node) : undefined) ?? fallback;
  }

  /** `true`, `{}` and an absent schema accept anything; `false` accepts nothing. */
  private compareBooleans(oldSchema: unknown, newSchema: unknown, oldLoc: SourceLocation, newLoc: SourceLocation): void {
    const open = (schema: unknown): JsonObject | false => (schema === false ? false : isObject(schema) ? schema : {});
    const before = open(oldSchema);
    const after = open(newSchema);
    if (before === false && after === false) return;
    if (before === false) this.emit({ rule: 'schema-opened', effect: 'widens', message: 'The schema accepted nothing and now accepts values', old: oldLoc, new: newLoc });
    else if (after === false) this.emit({ rule: 'schema-closed', effect: 'narrows', message: 'The schema now accepts nothing', old: oldLoc, new: newLoc });
    else this.compare(before, after, oldLoc, newLoc);
  }

  /** Compares subschemas that apply one level down in the message. */
  private compareInside(segment: string, oldSchema: unknown, newSchema: unknown, oldAt: SourceLocation, newAt: SourceLocation): void {
    this.instance.push(segment);
    this.compare(oldSchema, newSchema, oldAt, newAt);
    this.instance.pop();
  }

  /** Candidate values for a counterexample at the current place (or one `segment` below it). */
  private probe(values: unknown[], acceptedBy?: 'old' | 'new', segment?: string): Probe {
    return { at: segment === undefined ? [...this.instance] : [...this.instance, segment], values, acceptedBy };
  }

  private at(loc: SourceLocation, ...segments: string[]): SourceLocation {
    return { file: loc.file, pointer: [...loc.pointer, ...segments] };
  }

  private compareObjects(o: JsonObject, n: JsonObject, ol: SourceLocation, nl: SourceLocation): void {
    this.compareTypes(o, n, ol, nl);
    this.compareValues(o, n, ol, nl);
    this.compareBounds(o, n, ol, nl);
    this.compareStrings(o, n, ol, nl);
    this.compareObjectShape(o, n, ol, nl);
    this.compareArrays(o, n, ol, nl);
    for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) this.compareBranches(keyword, o, n, ol, nl);
    if (!this.canonical.equal(o.default, n.default)) {
      const verb = o.default === undefined ? 'added' : n.default === undefined ? 'removed' : 'changed';
      this.emit({ rule: 'default-changed', effect: 'neutral', message: `Default ${verb}: ${this.canonical.of(o.default)} → ${this.canonical.of(n.default)}`, old: this.at(ol, 'default'), new: this.at(nl, 'default') });
    }
    const others = new Set([...Object.keys(o), ...Object.keys(n)].filter((key) => !HANDLED.has(key) && !ANNOTATIONS.has(key) && !key.startsWith('x-')));
    for (const keyword of others) {
      if (this.canonical.equal(o[keyword], n[keyword])) continue;
      this.emit({ rule: 'schema-keyword-changed', effect: 'undecided', message: `"${keyword}" changed; whether one version includes the other is not decided for it`, old: this.at(ol, keyword), new: this.at(nl, keyword) });
    }
  }

  private compareTypes(o: JsonObject, n: JsonObject, ol: SourceLocation, nl: SourceLocation): void {
    // With a value list on both sides, the type only filters those values: compareValues decides.
    if (this.valuesOf(o) && this.valuesOf(n)) return;
    const before = typeSet(o);
    const after = typeSet(n);
    const same = before && after ? typesWithin(before, after) && typesWithin(after, before) : before === after;
    if (same) return;
    const old = this.at(ol, 'type');
    const neu = this.at(nl, 'type');
    const text = `${describeTypes(before)} → ${describeTypes(after)}`;
    const outside = (types: Set<TypeName>, within: Set<TypeName> | undefined): unknown => {
      const type = [...types].find((candidate) => !within || !typesWithin(new Set([candidate]), within));
      return type === undefined ? undefined : sampleOfType(type);
    };
    const anyOutside = (within: Set<TypeName>): unknown => outside(new Set(['null', 'string', 'integer', 'number', 'boolean', 'object', 'array']), within);
    if (before && after) {
      const onlyNull = (a: Set<string>, b: Set<string>): boolean => [...b].filter((t) => !a.has(t)).join() === 'null' && typesWithin(a, b);
      if (onlyNull(before, after)) return this.emit({ rule: 'nullable-added', effect: 'widens', message: `The value may now be null (${text})`, old, new: neu, probe: this.probe([null], 'new') });
      if (onlyNull(after, before)) return this.emit({ rule: 'nullable-removed', effect: 'narrows', message: `The value may no longer be null (${text})`, old, new: neu, probe: this.probe([null], 'old') });
    }
    if (!before || (after && typesWithin(after, before))) {
      this.emit({ rule: 'type-narrowed', effect: 'narrows', message: `Type narrowed: ${text}`, old, new: neu, probe: this.probe([before ? outside(before, after) : anyOutside(after ?? new Set())], 'old') });
    } else if (!after || typesWithin(before, after)) {
      this.emit({ rule: 'type-widened', effect: 'widens', message: `Type widened: ${text}`, old, new: neu, probe: this.probe([after ? outside(after, before) : anyOutside(before)], 'new') });
    } else this.emit({ rule: 'type-changed', effect: 'incompatible', message: `Type changed: ${text}`, old, new: neu, probe: this.probe([outside(after, before)], 'new') });
  }

  private compareValues(o: JsonObject, n: JsonObject, ol: SourceLocation, nl: SourceLocation): void {
    const before = this.valuesOf(o);
    const after = this.valuesOf(n);
    if (!before && !after) return;
    const keyword = 'const' in n || (!('enum' in n) && 'const' in o) ? 'const' : 'enum';
    const old = this.at(ol, 'const' in o ? 'const' : 'enum');
    const neu = this.at(nl, 'const' in n ? 'const' : 'enum');
    /** A value the open side's type allows that the list does not hold. */
    const unlisted = (listed: string[], open: JsonObject): unknown => {
      const types = typeSet(open);
      return ['unlisted', -1, 1.5, true, null].find((value) => !listed.includes(this.canonical.of(value)) && (!types || typesWithin(new Set([jsonType(value)]), types)));
    };
    if (!before) return this.emit({ rule: 'enum-narrowed', effect: 'narrows', message: `${keyword} added: only ${after?.join(', ')} allowed`, old, new: neu, probe: this.probe([unlisted(after ?? [], o)], 'old') });
    if (!after) return this.emit({ rule: 'enum-widened', effect: 'widens', message: `${keyword} removed: any value allowed`, old, new: neu, probe: this.probe([unlisted(before, n)], 'new') });
    const added = after.filter((value) => !before.includes(value));
    const removed = before.filter((value) => !after.includes(value));
    if (added.length > 0 && removed.length > 0) {
      this.emit({ rule: 'enum-changed', effect: 'incompatible', message: `${keyword} values added (${added.join(', ')}) and removed (${removed.join(', ')})`, old, new: neu, probe: this.probe([JSON.parse(added[0] as string)], 'new') });
    } else if (added.length > 0) this.emit({ rule: 'enum-widened', effect: 'widens', message: `${keyword} values added: ${added.join(', ')}`, old, new: neu, probe: this.probe([JSON.parse(added[0] as string)], 'new') });
    else if (removed.length > 0) this.emit({ rule: 'enum-narrowed', effect: 'narrows', message: `${keyword} values removed: ${removed.join(', ')}`, old, new: neu, probe: this.probe([JSON.parse(removed[0] as string)], 'old') });
  }

  /** The values an `enum` or `const` allows that also have an allowed type, as canonical JSON. */
  private valuesOf(schema: JsonObject): string[] | undefined {
    const listed = 'const' in schema ? [schema.const] : Array.isArray(schema.enum) ? schema.enum : undefined;
    if (!listed) return undefined;
    const types = declaredTypes(schema);
    return listed.filter((value) => !types || typesWithin(new Set([jsonType(value)]), types)).map((value) => this.canonical.of(value));
  }

  private compareBounds(o: JsonObject, n: JsonObject, ol: SourceLocation, nl: SourceLocation): void {
    const oldInteger = integerOnly(o);
    const newInteger = integerOnly(n);
    for (const lower of [true, false]) {
      const before = effectiveBound(o, lower, oldInteger);
      const after = effectiveBound(n, lower, newInteger);
      const order = tighterBound(before, after, lower);
      if (order === 0) continue;
      const tighter = order > 0;
      const keyword = after?.keyword ?? before?.keyword ?? (lower ? 'minimum' : 'maximum');
      const tight = tighter ? after : before;
      const loose = tighter ? before : after;
      const step = lower ? -1 : 1;
      // Just outside the tight bound first, then around both edges; ajv keeps the one that tells them apart.
      const values = [tight?.raw, tight && tight.raw + step, tight && tight.raw + step / 2, loose?.raw, loose && loose.raw - step].filter((value) => value !== undefined);
      this.emit({
        rule: tighter ? 'bound-tightened' : 'bound-loosened',
        effect: tighter ? 'narrows' : 'widens',
        message: `${describeBound(before)} → ${describeBound(after)}`,
        old: this.at(ol, before?.keyword ?? keyword),
        new: this.at(nl, keyword),
        probe: this.probe(values),
      });
    }
    const lengths = (keyword: string, lower: boolean): void => {
      // An absent lower length is 0 and an absent upper one is unbounded: `minLength: 0` changes nothing.
      const effective = (schema: JsonObject): number | undefined => (typeof schema[keyword] === 'number' ? (schema[keyword]) : lower ? 0 : undefined);
      const before = effective(o);
      const after = effective(n);
      if (before === after) return;
      const tighter = before === undefined || (after !== undefined && (lower ? after > before : after < before));
      const accepting = tighter ? o : n;
      const edges = [before, after].filter((edge): edge is number => edge !== undefined).flatMap((edge) => [edge - 1, edge, edge + 1]).filter((edge) => edge >= 0 && edge <= 1000);
      this.emit({
        rule: tighter ? 'length-tightened' : 'length-loosened',
        effect: tighter ? 'narrows' : 'widens',
        message: `${keyword} ${before ?? 'none'} → ${after ?? 'none'}`,
        old: this.at(ol, keyword),
        new: this.at(nl, keyword),
        probe: this.probe(edges.map((length) => sized(keyword, accepting, length))),
      });
    };
    for (const keyword of LOWER_LENGTHS) lengths(keyword, true);
    for (const keyword of UPPER_LENGTHS) lengths(keyword, false);
    const before = effectiveStep(o, oldInteger);
    const after = effectiveStep(n, newInteger);
    if (before !== after && o.multipleOf !== n.multipleOf) {
      const divides = (a: number, b: number): boolean => Number.isInteger(a / b);
      const effect: Effect = before === undefined ? 'narrows' : after === undefined ? 'widens' : divides(after, before) ? 'narrows' : divides(before, after) ? 'widens' : 'incompatible';
      const rule: RuleId = effect === 'narrows' ? 'bound-tightened' : effect === 'widens' ? 'bound-loosened' : 'bound-changed';
      const steps = [before, after].filter((step): step is number => step !== undefined);
      this.emit({ rule, effect, message: `multipleOf ${this.canonical.of(o.multipleOf ?? 'none')} → ${this.canonical.of(n.multipleOf ?? 'none')}`, old: this.at(ol, 'multipleOf'), new: this.at(nl, 'multipleOf'), probe: this.probe([...steps, ...steps.map((step) => step / 2)], 'new') });
    }
    if (Boolean(o.uniqueItems) !== Boolean(n.uniqueItems)) {
      const tighter = n.uniqueItems === true;
      const item = witness(isObject(o.items) ? o.items : {});
      this.emit({ rule: tighter ? 'length-tightened' : 'length-loosened', effect: tighter ? 'narrows' : 'widens', message: `uniqueItems ${Boolean(o.uniqueItems)} → ${Boolean(n.uniqueItems)}`, old: this.at(ol, 'uniqueItems'), new: this.at(nl, 'uniqueItems'), probe: this.probe([[item, item]]) });
    }
  }

  private compareStrings(o: JsonObject, n: JsonObject, ol: SourceLocation, nl: SourceLocation): void {
    for (const keyword of ['pattern', 'format'] as const) {
      const before = o[keyword] === undefined ? undefined : this.canonical.of(o[keyword]);
      const after = n[keyword] === undefined ? undefined : this.canonical.of(n[keyword]);
      if (before === after) continue;
      const old = this.at(ol, keyword);
      const neu = this.at(nl, keyword);
      if (before === undefined) this.emit({ rule: `${keyword}-added`, effect: 'narrows', message: `${keyword} added: ${after}`, old, new: neu });
      else if (after === undefined) this.emit({ rule: `${keyword}-removed`, effect: 'widens', message: `${keyword} removed: ${before}`, old, new: neu });
      else if (keyword === 'format') this.emit({ rule: 'format-changed', effect: 'incompatible', message: `format ${before} → ${after}`, old, new: neu });
      // Whether one regular expression's language contains another's is not decided here.
      else this.emit({ rule: 'pattern-changed', effect: 'undecided', message: `pattern ${before} → ${after}: inclusion of regular expressions is not decided`, old, new: neu });
    }
  }

  /** The schema undeclared properties must match: false when the object is closed. */
  private extraProperties(schema: JsonObject): unknown {
    if (schema.additionalProperties === false || schema.unevaluatedProperties === false) return false;
    if (isObject(schema.additionalProperties)) return schema.additionalProperties;
    return true;
  }

  private compareObjectShape(o: JsonObject, n: JsonObject, ol: SourceLocation, nl: SourceLocation): void {
    for (const keyword of ['additionalProperties', 'unevaluatedProperties']) {
      const before = o[keyword];
      const after = n[keyword];
      if (this.canonical.equal(before, after)) continue;
      const base = keyword === 'additionalProperties' ? 'additional-properties' : 'unevaluated-properties';
      const old = this.at(ol, keyword);
      const neu = this.at(nl, keyword);
      if (after === false) this.emit({ rule: `${base}-closed`, effect: 'narrows', message: `${keyword}: false: undeclared properties are now rejected`, old, new: neu, probe: this.probe([true], 'old', '*') });
      else if (before === false) this.emit({ rule: `${base}-opened`, effect: 'widens', message: `${keyword} no longer false: undeclared properties are now accepted`, old, new: neu, probe: this.probe([true], 'new', '*') });
      else this.compareInside('*', before ?? {}, after ?? {}, old, neu);
    }
    const oldProps = isObject(o.properties) ? o.properties : {};
    const newProps = isObject(n.properties) ? n.properties : {};
    const oldExtra = this.extraProperties(o);
    const newExtra = this.extraProperties(n);
    for (const name of Object.keys(oldProps)) {
      const old = this.at(ol, 'properties', name);
      if (name in newProps) {
        this.compareInside(name, oldProps[name], newProps[name], old, this.at(nl, 'properties', name));
        continue;
      }
      const neu = this.at(nl, 'properties');
      if (newExtra === false) this.emit({ rule: 'property-removed', effect: 'narrows', message: `Property "${name}" removed from a closed object: it is now rejected`, old, new: neu, probe: this.probe([witness(oldProps[name])], 'old', name) });
      else if (newExtra === true) {
        if (this.accepted(oldProps[name])) continue;
        this.emit({ rule: 'property-removed', effect: 'widens', message: `Property "${name}" removed from an open object: any value is now accepted for it`, old, new: neu, probe: this.probe([], 'new', name) });
      } else this.compareInside(name, oldProps[name], newExtra, old, neu);
    }
    for (const name of Object.keys(newProps)) {
      if (name in oldProps) continue;
      const neu = this.at(nl, 'properties', name);
      const old = this.at(ol, 'properties');
      if (oldExtra === false) this.emit({ rule: 'property-added', effect: 'widens', message: `Property "${name}" added to a closed object: it was rejected before`, old, new: neu, probe: this.probe([witness(newProps[name])], 'new', name) });
      else if (oldExtra === true) {
        if (this.accepted(newProps[name])) continue;
        this.emit({ rule: 'property-added', effect: 'narrows', message: `Property "${name}" added to an open object: its values are now constrained`, old, new: neu, probe: this.probe([], 'old', name) });
      } else this.compareInside(name, oldExtra, newProps[name], old, neu);
    }
    const oldRequired = Array.isArray(o.required) ? o.required.map(String) : [];
    const newRequired = Array.isArray(n.required) ? n.required.map(String) : [];
    // The smallest object the looser version accepts: its required properties only, without this one.
    const without = (name: string, required: string[], properties: JsonObject): JsonObject =>
      Object.fromEntries(required.filter((other) => other !== name).map((other) => [other, witness(properties[other])]));
    for (const name of newRequired) {
      if (!oldRequired.includes(name)) this.emit({ rule: 'required-added', effect: 'narrows', message: `"${name}" is now required`, old: this.at(ol, 'required'), new: this.at(nl, 'required'), probe: this.probe([without(name, oldRequired, oldProps)], 'old') });
    }
    for (const name of oldRequired) {
      if (!newRequired.includes(name)) this.emit({ rule: 'required-removed', effect: 'widens', message: `"${name}" is no longer required`, old: this.at(ol, 'required'), new: this.at(nl, 'required'), probe: this.probe([without(name, newRequired, newProps)], 'new') });
    }
  }

  /** A schema that accepts every value. */
  private accepted(schema: unknown): boolean {
    if (schema === true || schema === undefined) return true;
    return isObject(schema) && Object.keys(schema).every((key) => ANNOTATIONS.has(key) || key === 'default' || key.startsWith('x-'));
  }

  private compareArrays(o: JsonObject, n: JsonObject, ol: SourceLocation, nl: SourceLocation): void {
    const shape = (schema: JsonObject): { tuple?: unknown[]; tupleKey: string; rest: unknown; restKey: string } =>
      Array.isArray(schema.prefixItems)
        ? { tuple: schema.prefixItems, tupleKey: 'prefixItems', rest: schema.items, restKey: 'items' }
        : Array.isArray(schema.items)
          ? { tuple: schema.items, tupleKey: 'items', rest: schema.additionalItems, restKey: 'additionalItems' }
          : { tupleKey: 'prefixItems', rest: schema.items, restKey: 'items' };
    const before = shape(o);
    const after = shape(n);
    if (before.tuple || after.tuple) {
      const oldTuple = before.tuple ?? [];
      const newTuple = after.tuple ?? [];
      const length = Math.max(oldTuple.length, newTuple.length);
      for (let i = 0; i < length; i++) {
        const old = this.at(ol, before.tupleKey, String(i));
        const neu = this.at(nl, after.tupleKey, String(i));
        if (i < oldTuple.length && i < newTuple.length) this.compareInside(String(i), oldTuple[i], newTuple[i], old, neu);
        else if (i < newTuple.length) {
          // A position the old version left to its rest schema (or forbade, when the rest is false).
          if (before.rest === false) this.emit({ rule: 'tuple-item-added', effect: 'widens', message: `Tuple position ${i} added where the old tuple was closed`, old, new: neu, probe: this.probe([witness(newTuple[i])], 'new', String(i)) });
          else this.compareInside(String(i), before.rest ?? {}, newTuple[i], this.at(ol, before.restKey), neu);
        } else if (after.rest === false) this.emit({ rule: 'tuple-item-removed', effect: 'narrows', message: `Tuple position ${i} removed and the tuple is closed`, old, new: neu, probe: this.probe([witness(oldTuple[i])], 'old', String(i)) });
        else this.compareInside(String(i), oldTuple[i], after.rest ?? {}, old, this.at(nl, after.restKey));
      }
    }
    this.compareInside('0', before.rest, after.rest, this.at(ol, before.restKey), this.at(nl, after.restKey));
  }

  private compareBranches(keyword: 'anyOf' | 'oneOf' | 'allOf', o: JsonObject, n: JsonObject, ol: SourceLocation, nl: SourceLocation): void {
    const before = Array.isArray(o[keyword]) ? (o[keyword] as unknown[]) : undefined;
    const after = Array.isArray(n[keyword]) ? (n[keyword] as unknown[]) : undefined;
    if (!before && !after) return;
    if (!before || !after) {
      // Wrapping a schema in a combinator (or unwrapping it) needs the combined schema's inclusion, not decided here.
      this.emit({ rule: 'composition-changed', effect: 'undecided', message: `${keyword} ${before ? 'removed' : 'added'}: inclusion of the combined schemas is not decided`, old: this.at(ol, keyword), new: this.at(nl, keyword) });
      return;
    }
    const discriminator = this.discriminatorOf(o) ?? this.discriminatorOf(n);
    if (this.discriminatorOf(o) !== this.discriminatorOf(n) && keyword === 'oneOf') {
      this.emit({ rule: 'discriminator-changed', effect: 'incompatible', message: `Discriminator ${this.discriminatorOf(o) ?? 'none'} → ${this.discriminatorOf(n) ?? 'none'}`, old: this.at(ol, 'discriminator'), new: this.at(nl, 'discriminator') });
    }
    /** Branches pair by discriminator value, else by the component a `$ref` names, else by content. */
    const keyOf = (branch: unknown, index: number, parent: SourceLocation, origin: (node: object) => SourceLocation | undefined): string => {
      const value = discriminator && isObject(branch) ? this.discriminatorValue(branch, discriminator) : undefined;
      if (value !== undefined) return `value:${value}`;
      const location = isObject(branch) ? origin(branch) : undefined;
      const inline = location?.file === parent.file && location.pointer.join('/') === [...parent.pointer, keyword, String(index)].join('/');
      return location && !inline ? `ref:${location.pointer[location.pointer.length - 1] ?? ''}` : `json:${this.canonical.of(branch)}`;
    };
    const oldKeys = before.map((branch, i) => keyOf(branch, i, ol, this.originOld));
    const newKeys = after.map((branch, i) => keyOf(branch, i, nl, this.originNew));
    const unmatchedOld = oldKeys.map((_, i) => i).filter((i) => !newKeys.includes(oldKeys[i] as string));
    const unmatchedNew = newKeys.map((_, i) => i).filter((i) => !oldKeys.includes(newKeys[i] as string));
    for (let i = 0; i < oldKeys.length; i++) {
      const j = newKeys.indexOf(oldKeys[i] as string);
      if (j !== -1) this.compare(before[i], after[j], this.at(ol, keyword, String(i)), this.at(nl, keyword, String(j)));
    }
    // Same number left over on both sides: the branches were edited in place, not swapped.
    if (unmatchedOld.length === unmatchedNew.length && !discriminator) {
      unmatchedOld.forEach((i, k) => {
        const j = unmatchedNew[k] as number;
        this.compare(before[i], after[j], this.at(ol, keyword, String(i)), this.at(nl, keyword, String(j)));
      });
      return;
    }
    const conjunction = keyword === 'allOf';
    for (const i of unmatchedOld) {
      const value = oldKeys[i]?.startsWith('value:') ? oldKeys[i]?.slice(6) : undefined;
      this.emit({
        rule: value !== undefined ? 'discriminator-value-removed' : conjunction ? 'all-of-removed' : 'branch-removed',
        effect: conjunction ? 'widens' : 'narrows',
        message: value !== undefined ? `Discriminator value ${value} removed` : `${keyword} branch ${i} removed`,
        old: this.at(ol, keyword, String(i)),
        new: this.at(nl, keyword),
        probe: this.probe([witness(before[i]), witness(before[i], true)], 'old'),
      });
    }
    for (const j of unmatchedNew) {
      const value = newKeys[j]?.startsWith('value:') ? newKeys[j]?.slice(6) : undefined;
      this.emit({
        rule: value !== undefined ? 'discriminator-value-added' : conjunction ? 'all-of-added' : 'branch-added',
        effect: conjunction ? 'narrows' : 'widens',
        message: value !== undefined ? `Discriminator value ${value} added` : `${keyword} branch ${j} added`,
        old: this.at(ol, keyword),
        new: this.at(nl, keyword, String(j)),
        probe: this.probe([witness(after[j]), witness(after[j], true)], 'new'),
      });
    }
  }

  private discriminatorOf(schema: JsonObject): string | undefined {
    const value = schema.discriminator;
    if (typeof value === 'string') return value;
    if (isObject(value) && typeof value.propertyName === 'string') return value.propertyName;
    return undefined;
  }

  private discriminatorValue(branch: JsonObject, property: string): string | undefined {
    const properties = isObject(branch.properties) ? branch.properties : {};
    const schema = properties[property];
    if (isObject(schema)) {
      if ('const' in schema) return this.canonical.of(schema.const);
      if (Array.isArray(schema.enum) && schema.enum.length === 1) return this.canonical.of(schema.enum[0]);
    }
    return undefined;
  }
}

/**
 * Whether every value `inner` accepts is also accepted by `outer`, as far as the comparer decides it
 * (an undecided change counts as no).
 */
export function schemaIncludes(outer: unknown, inner: unknown): boolean {
  const nowhere: SourceLocation = { file: '', pointer: [] };
  let includes = true;
  const comparer = new SchemaComparer(new CanonicalJson(), () => undefined, () => undefined, (change) => {
    if (change.effect !== 'narrows' && change.effect !== 'neutral') includes = false;
  });
  comparer.compare(outer, inner, nowhere, nowhere);
  return includes;
}
