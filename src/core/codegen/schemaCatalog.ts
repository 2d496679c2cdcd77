import type { EventModel, JsonObject, MessageNode } from '../model/eventModel';
import { NameRegistry, pascalCase } from './names';

/**
 * Names every schema that gets its own type, by identity in the resolved document (resolved `$ref`s share
 * their target object, so a shared component is named and generated once). Names come from component keys
 * (of the root or of any file a `$ref` reaches), then message names, then schema titles; a collision takes the owner's name as a prefix, then the path.
 */

export interface MessageSchemas {
  message: MessageNode;
  /** Pascal-case message name, the stem of every generated name about this message. */
  stem: string;
  payloadType?: string;
  headersType?: string;
  /** The Kafka binding's key schema, when it describes text: a Kafka key travels as a string here. */
  keyType?: string;
}

export interface UnionVariant {
  typeName: string;
  tag: string;
}

/**
 * A `oneOf`/`anyOf` whose variants are told apart by one property: the one AsyncAPI's `discriminator` names, or
 * else one every variant pins to a different `const`. Each variant gets a literal tag and a type guard.
 */
export interface DiscriminatedUnion {
  property: string;
  variants: UnionVariant[];
}

export interface SchemaCatalog {
  /** Definitions by type name, in the order names were given; child schemas with names are `$ref`s. */
  definitions: Map<string, JsonObject>;
  messages: MessageSchemas[];
  unions: DiscriminatedUnion[];
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'];
const SCHEMA_VALUES = ['items', 'additionalItems', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
/** Keywords that neither type nor validate, or that would clash once schemas are re-homed under new ids. */
const DROPPED = new Set(['$id', '$schema', 'title', 'discriminator', 'externalDocs', 'deprecated']);

/** Schema-valued children of a schema, with the path segments that lead to each. */
function schemaChildren(schema: JsonObject): [string[], JsonObject][] {
  const children: [string[], JsonObject][] = [];
  for (const key of SCHEMA_MAPS) {
    const map = schema[key];
    if (isObject(map)) for (const [name, child] of Object.entries(map)) if (isObject(child)) children.push([[key, name], child]);
  }
  for (const key of SCHEMA_VALUES) {
    const child = schema[key];
    if (isObject(child)) children.push([[key], child]);
    else if (Array.isArray(child)) child.forEach((item, index) => isObject(item) && children.push([[key, String(index)], item]));
  }
  for (const key of SCHEMA_LISTS) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((item, index) => isObject(item) && children.push([[key, String(index)], item]));
  }
  return children;
}

function at(root: unknown, path: string[] | undefined): unknown {
  if (!path) return undefined;
  let node = root;
  for (const segment of path) node = isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[segment] : undefined;
  return node;
}

/** A schema only strings can satisfy: a key schema of another type (a number, an Avro record) is not typed or checked. */
function describesText(schema: JsonObject): boolean {
  if (Array.isArray(schema.enum)) return schema.enum.length > 0 && schema.enum.every((value) => typeof value === 'string');
  if ('const' in schema) return typeof schema.const === 'string';
  return schema.type === 'string';
}

/** Payloads in another schema format (Avro, RAML…) are not JSON Schema: they stay untyped and unvalidated. */
export function isJsonSchemaFormat(format: string | undefined): boolean {
  return !format || /^application\/(schema\+(json|yaml)|vnd\.aai\.asyncapi(\+(json|yaml))?)/.test(format);
}

/** Where a resolved path came from: its path inside the file that declares it (through `$ref`s into other files). */
export type OriginOf = (path: string[]) => (string | number)[] | undefined;

export function buildSchemaCatalog(resolved: unknown, model: EventModel, originOf?: OriginOf): SchemaCatalog {
  const registry = new NameRegistry();
  const names = new Map<object, string>();
  const order: [string, JsonObject, string[]][] = [];
  const name = (schema: JsonObject, candidates: string[], path: string[]): string => {
    const given = registry.claim(candidates, pascalCase(path.join(' ')));
    names.set(schema, given);
    order.push([given, schema, path]);
    return given;
  };

  /** The key of the `components.schemas` entry (of any file) a schema was declared as, if it was. */
  const componentKey = (path: string[] | undefined): string[] => {
    const origin = path && originOf?.(path);
    return origin?.length === 3 && origin[0] === 'components' && origin[1] === 'schemas' ? [pascalCase(String(origin[2]))] : [];
  };

  const components = isObject(resolved) && isObject(resolved.components) ? resolved.components : {};
  for (const [key, schema] of Object.entries(isObject(components.schemas) ? components.schemas : {})) {
    if (isObject(schema)) name(schema, [pascalCase(key)], ['components', 'schemas', key]);
  }

  const stems = new NameRegistry();
  const messages = model.messages.map((message): MessageSchemas => {
    // Two messages sharing a name are told apart by the keys they are declared under, never by a number.
    const keys = message.path.filter((segment) => !/^(channels|components|messages|message|publish|subscribe|oneOf|[0-9]+)$/.test(segment));
    const stem = stems.claim([pascalCase(message.name ?? message.id), pascalCase([...keys, message.name ?? ''].join(' '))], 'Message');
    const entry: MessageSchemas = { message, stem };
    const payload = at(resolved, message.payloadPath);
    if (isObject(payload) && isJsonSchemaFormat(message.schemaFormat)) {
      const title = typeof payload.title === 'string' ? pascalCase(payload.title) : undefined;
      entry.payloadType = names.get(payload) ?? name(payload, [...componentKey(message.payloadPath), ...(title ? [title] : []), `${stem}Payload`], message.payloadPath ?? []);
    }
    const headers = at(resolved, message.headersPath);
    if (isObject(headers)) entry.headersType = names.get(headers) ?? name(headers, [...componentKey(message.headersPath), `${stem}Headers`], message.headersPath ?? []);
    const keyPath = [...message.path, 'bindings', 'kafka', 'key'];
    const key = at(resolved, keyPath);
    if (isObject(key) && describesText(key)) entry.keyType = names.get(key) ?? name(key, [...componentKey(keyPath), `${stem}Key`], keyPath);
    return entry;
  });

  // Titled sub-schemas become types of their own, and so does any schema that contains itself.
  const unionSchemas = new Set<JsonObject>();
  for (let index = 0; index < order.length; index++) {
    const [owner, root, rootPath] = order[index]!;
    const visit = (schema: JsonObject, path: string[], ancestors: object[]): void => {
      // Inline variants of a tagged union are named after their tag (`ShapeCircle`), so each can have a guard.
      const union = taggedUnionOf(schema);
      if (union) unionSchemas.add(schema);
      union?.variants.forEach((variant, index) => {
        const tag = tagOf(variant, union.property);
        if (names.has(variant) || tag === undefined) return;
        const title = typeof variant.title === 'string' ? [pascalCase(variant.title)] : [];
        const property = path[path.length - 2] === 'properties' ? pascalCase(path[path.length - 1]!) : '';
        const candidates = property ? [`${property}${pascalCase(tag)}`, `${owner}${property}${pascalCase(tag)}`] : [`${owner}${pascalCase(tag)}`];
        name(variant, [...title, ...candidates], [...path, union.keyword, String(index)]);
      });
      for (const [segments, child] of schemaChildren(schema)) {
        const childPath = [...path, ...segments];
        if (names.has(child)) continue;
        const title = componentKey(childPath)[0] ?? (typeof child.title === 'string' ? pascalCase(child.title) : undefined);
        if (title || ancestors.includes(child)) {
          const base = title ?? `${owner}${pascalCase(segments[segments.length - 1] ?? 'Item')}`;
          name(child, [base, `${owner}${base}`], childPath);
          continue;
        }
        visit(child, childPath, [...ancestors, child]);
      }
    };
    visit(root, rootPath, [root]);
  }

  const definitions = new Map<string, JsonObject>();
  for (const [given, schema] of order) definitions.set(given, copySchema(schema, names, true));
  const unions = discriminatedUnions(unionSchemas, names, definitions);
  return { definitions, messages, unions };
}

/** A copy in which every named child is a `$ref` to its definition (`#/definitions/Name`). */
function copySchema(schema: JsonObject, names: Map<object, string>, isRoot: boolean): JsonObject {
  if (!isRoot && names.has(schema)) return { $ref: `#/definitions/${names.get(schema)}` };
  const copy: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key) || key.startsWith('x-')) continue;
    copy[key] = value;
  }
  for (const key of SCHEMA_MAPS) {
    if (isObject(schema[key])) {
      copy[key] = Object.fromEntries(
        Object.entries(schema[key]).map(([name, child]) => [name, isObject(child) ? copySchema(child, names, false) : child]),
      );
    }
  }
  for (const key of [...SCHEMA_VALUES, ...SCHEMA_LISTS]) {
    const value = schema[key];
    if (isObject(value)) copy[key] = copySchema(value, names, false);
    else if (Array.isArray(value)) copy[key] = (value as unknown[]).map((item) => (isObject(item) ? copySchema(item, names, false) : item));
  }
  return copy;
}

function tagOf(schema: JsonObject | undefined, property: string): string | undefined {
  const properties = schema && isObject(schema.properties) ? schema.properties : undefined;
  const tag = properties && isObject(properties[property]) ? properties[property] : undefined;
  if (!tag) return undefined;
  if (typeof tag.const === 'string') return tag.const;
  if (Array.isArray(tag.enum) && tag.enum.length === 1 && typeof tag.enum[0] === 'string') return tag.enum[0];
  return undefined;
}

interface TaggedUnion {
  keyword: 'oneOf' | 'anyOf';
  property: string;
  /** Set when the document names the property with `discriminator`. */
  declared: boolean;
  variants: JsonObject[];
}

/** The union's tag property: the `discriminator`, else the first property every variant pins to a distinct value. */
function taggedUnionOf(schema: JsonObject): TaggedUnion | undefined {
  const keyword = Array.isArray(schema.oneOf) ? 'oneOf' : Array.isArray(schema.anyOf) ? 'anyOf' : undefined;
  if (!keyword) return undefined;
  const variants = (schema[keyword] as unknown[]).filter(isObject);
  if (typeof schema.discriminator === 'string') return { keyword, property: schema.discriminator, declared: true, variants };
  const first = variants[0];
  if (variants.length < 2 || !first || !isObject(first.properties)) return undefined;
  const property = Object.keys(first.properties).find((candidate) => {
    const tags = variants.map((variant) => tagOf(variant, candidate));
    return tags.every((tag) => tag !== undefined) && new Set(tags).size === tags.length;
  });
  return property === undefined ? undefined : { keyword, property, declared: false, variants };
}

/**
 * AsyncAPI's `discriminator` names the property whose value is the variant's schema name. A variant that does
 * not pin that property to one value gets `const: <its name>` and the property becomes required, so the union
 * narrows in TypeScript and the validator checks the same tag. A union tagged by `const` alone is left as
 * the document validates it.
 */
function discriminatedUnions(unionSchemas: Iterable<JsonObject>, names: Map<object, string>, definitions: Map<string, JsonObject>): DiscriminatedUnion[] {
  const unions: DiscriminatedUnion[] = [];
  for (const schema of unionSchemas) {
    const tagged = taggedUnionOf(schema);
    if (!tagged) continue;
    const { property } = tagged;
    const union: DiscriminatedUnion = { property, variants: [] };
    for (const variant of tagged.variants) {
      const typeName = names.get(variant);
      const definition = typeName ? definitions.get(typeName) : undefined;
      if (!typeName || !definition) continue;
      const tag = tagOf(definition, property) ?? typeName;
      union.variants.push({ typeName, tag });
      if (!tagged.declared) continue;
      const properties = isObject(definition.properties) ? definition.properties : {};
      const declared = isObject(properties[property]) ? properties[property] : {};
      definition.properties = { ...properties, [property]: { ...declared, type: 'string', const: tag } };
      const required: unknown[] = Array.isArray(definition.required) ? (definition.required as unknown[]) : [];
      if (!required.includes(property)) definition.required = [...required, property];
    }
    if (union.variants.length > 0) unions.push(union);
  }
  return unions;
}
