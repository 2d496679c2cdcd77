import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { EventModel, MessageNode } from '../model/eventModel';

export interface ExampleProblem {
  /** Resolved path of the offending value inside the example. */
  path: string[];
  message: string;
}

const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false, allowUnionTypes: true });
addFormats(ajv);

/** Compiled validators by schema text: an edit elsewhere in the document reuses them. */
const compiled = new Map<string, ValidateFunction | Error>();
const COMPILED_LIMIT = 1000;

function validatorFor(schema: unknown): ValidateFunction | Error {
  const key = JSON.stringify(schema);
  let validator = compiled.get(key);
  if (!validator) {
    try {
      validator = ajv.compile(withoutIds(schema) as object);
    } catch (error) {
      validator = error instanceof Error ? error : new Error(String(error));
    }
    if (compiled.size >= COMPILED_LIMIT) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, validator);
  }
  return validator;
}

/** User `$id`s would collide in the shared ajv across edits; examples never need them. */
function withoutIds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutIds);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$id').map(([key, value]) => [key, withoutIds(value)]));
}

const JSON_SCHEMA_FORMATS = /^application\/(vnd\.aai\.asyncapi(\+json|\+yaml)?(;version=[\d.]+)?|schema\+json(;version=draft-0[47])?|schema\+yaml(;version=draft-0[47])?)$/;

function isJsonSchema(message: MessageNode): boolean {
  return message.schemaFormat === undefined || JSON_SCHEMA_FORMATS.test(message.schemaFormat);
}

/**
 * Checks every message example against its payload and headers schemas. Spectral does this for
 * 2.x (`asyncapi2-message-examples`), not at all for 3.x, so this runs for 3.x documents only.
 */
export function checkExamples(model: EventModel): ExampleProblem[] {
  if (model.major !== 3) return [];
  const problems: ExampleProblem[] = [];
  for (const message of model.messages) {
    if (!isJsonSchema(message)) continue;
    for (const example of message.examples) {
      for (const part of ['payload', 'headers'] as const) {
        const schema = message[part];
        const value = example[part];
        if (schema === undefined || value === undefined || typeof schema !== 'object') continue;
        const validate = validatorFor(schema);
        if (validate instanceof Error) continue;
        if (!validate(value)) {
          for (const error of dedupe(validate.errors ?? [])) {
            problems.push({ path: [...example.path, part, ...pointerSegments(error.instancePath)], message: describe(part, error) });
          }
        }
      }
    }
  }
  return problems;
}

function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `oneOf` failures repeat the same complaint per branch; keep each place and message once. */
function dedupe(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.instancePath}|${error.message ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describe(part: 'payload' | 'headers', error: ErrorObject): string {
  const where = error.instancePath === '' ? `Example ${part}` : `Example ${part} at "${error.instancePath}"`;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `${where} has property "${String(params.additionalProperty)}", which the schema does not allow.`;
  if (error.keyword === 'enum') return `${where} must be one of ${JSON.stringify(params.allowedValues)}.`;
  return `${where} ${error.message ?? 'does not match the schema'}.`;
}
