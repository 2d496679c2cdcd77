import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone';
import type { JsonObject } from '../model/eventModel';
import type { SchemaCatalog } from './schemaCatalog';

export interface EmittedValidators {
  /** ajv's standalone code: plain JavaScript, so the file opts out of type checking. */
  compiled: string;
  /** Typed `validateX(value): value is X` wrappers with readable errors. */
  typed: string;
  /** Type names that have a validator: every payload, headers and Kafka key type. */
  validated: string[];
}

/** `#/definitions/Name` (json-schema-to-typescript's form) becomes `Name`, the id each schema is added under. */
function rehome(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rehome);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/definitions/') ? value.slice('#/definitions/'.length) : rehome(value),
    ]),
  );
}

export function emitValidators(catalog: SchemaCatalog): EmittedValidators {
  // The parser has already checked every schema against its meta-schema: ajv need not do it again (a fifth of its time).
  const ajv = new Ajv({ code: { source: true, esm: true, lines: false }, allErrors: true, strict: false, logger: false, validateSchema: false });
  addFormats(ajv);
  for (const [name, schema] of catalog.definitions) ajv.addSchema({ ...(rehome(schema) as JsonObject), $id: name });
  const validated = [...new Set(catalog.messages.flatMap((entry) => [entry.payloadType, entry.headersType, entry.keyType].filter((name): name is string => !!name)))];
  const exports = Object.fromEntries(validated.map((name) => [`check${name}`, name]));
  const compiled = validated.length === 0 ? '' : standaloneCode(ajv, exports);
  return { compiled: esmRuntimeImports(compiled), typed: typedWrappers(validated), validated };
}

/**
 * ajv's "esm" output still `require`s its runtime helpers and the format checks. Each becomes an import, with
 * an interop step so the file works both as native ESM (where a CommonJS module is the default export) and
 * compiled to CommonJS.
 */
function esmRuntimeImports(code: string): string {
  const modules: string[] = [];
  const body = code.replace(/require\("([^"]+)"\)/g, (_match, specifier: string) => {
    let index = modules.indexOf(specifier);
    if (index < 0) index = modules.push(specifier) - 1;
    return `cjs(runtime${index})`;
  });
  const imports = modules.map((specifier, index) => `import * as runtime${index} from ${JSON.stringify(specifier)};`);
  const interop = modules.length === 0
    ? []
    : ['const cjs = (namespace) => (namespace.default && typeof namespace.default === "object" && "__esModule" in namespace.default ? namespace.default : namespace);'];
  return [...imports, ...interop, body.replace(/^"use strict";/, '')].join('\n');
}

function typedWrappers(validated: string[]): string {
  if (validated.length === 0) return 'export {};';
  const lines = [
    `import type { ${validated.join(', ')} } from './types.js';`,
    `import { ${validated.map((name) => `check${name}`).join(', ')} } from './validators.js';`,
    '',
    'interface CompiledCheck {',
    '  (value: unknown): boolean;',
    '  errors?: { instancePath: string; message?: string; params?: Record<string, unknown> }[] | null;',
    '}',
    '',
    '/** A type guard that keeps, after a failed check, one readable line per problem. */',
    'export interface Validator<T> {',
    '  (value: unknown): value is T;',
    '  readonly typeName: string;',
    '  errors: string[];',
    '}',
    '',
    'function validator<T>(typeName: string, check: CompiledCheck): Validator<T> {',
    '  const validate = ((value: unknown): value is T => {',
    '    const ok = check(value);',
    '    validate.errors = ok ? [] : (check.errors ?? []).map((error) => {',
    "      const where = error.instancePath === '' ? typeName : typeName + error.instancePath.replace(/\\//g, '.');",
    "      const extra = error.params && 'additionalProperty' in error.params ? ' (' + String(error.params.additionalProperty) + ')' : '';",
    "      return where + ' ' + (error.message ?? 'is invalid') + extra;",
    '    });',
    '    return ok;',
    '  }) as Validator<T>;',
    "  Object.defineProperty(validate, 'typeName', { value: typeName });",
    '  validate.errors = [];',
    '  return validate;',
    '}',
    '',
  ];
  for (const name of validated) {
    lines.push(`export const validate${name}: Validator<${name}> = validator<${name}>('${name}', check${name} as CompiledCheck);`);
  }
  return lines.join('\n');
}
