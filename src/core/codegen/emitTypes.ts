import { compile } from 'json-schema-to-typescript';
import type { JsonObject } from '../model/eventModel';
import type { SchemaCatalog } from './schemaCatalog';

const ROOT_NAME = 'EventscopeGeneratedRoot';

/**
 * All named types in one json-schema-to-typescript run: a synthetic root lists every definition, so each is
 * declared once and references between them are by name. The root itself is dropped from the output.
 */
export async function emitTypes(catalog: SchemaCatalog): Promise<string> {
  const definitions: Record<string, JsonObject> = {};
  for (const [name, schema] of catalog.definitions) definitions[name] = { ...schema, title: name };
  const root = {
    title: ROOT_NAME,
    type: 'object',
    properties: Object.fromEntries([...catalog.definitions.keys()].map((name) => [name, { $ref: `#/definitions/${name}` }])),
    additionalProperties: false,
    definitions,
  };
  const declarations = catalog.definitions.size === 0
    ? ''
    : await compile(root as never, ROOT_NAME, {
        bannerComment: '',
        declareExternallyReferenced: true,
        unknownAny: true,
        strictIndexSignatures: false,
        // The document is already resolved: nothing may be read from disk or the network.
        $refOptions: { resolve: { file: false, http: false } },
        style: { singleQuote: true, printWidth: 120 },
      });
  const body = stripRoot(declarations);
  return [body.trim(), ...catalog.unions.flatMap((union) => union.variants.map((variant) => guard(union.property, variant.typeName, variant.tag)))]
    .filter(Boolean)
    .join('\n\n');
}

/** Removes the synthetic root's declaration, whatever its formatting. */
function stripRoot(source: string): string {
  const start = source.indexOf(`export interface ${ROOT_NAME} {`);
  if (start < 0) return source;
  const end = source.indexOf('\n}\n', start);
  return source.slice(0, start) + source.slice(end < 0 ? source.length : end + 3);
}

function guard(property: string, typeName: string, tag: string): string {
  return [
    `/** True when \`value\` is the \`${tag}\` variant (its \`${property}\` tag). */`,
    `export function is${typeName}(value: unknown): value is ${typeName} {`,
    `  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[${JSON.stringify(property)}] === ${JSON.stringify(tag)};`,
    '}',
  ].join('\n');
}
