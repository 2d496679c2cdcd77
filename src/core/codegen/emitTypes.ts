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
        // Prettier took two thirds of generation time; indentDeclarations lays the output out instead.
        format: false,
      });
  const body = indentDeclarations(stripRoot(declarations));
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

const OPENERS = '{[(';
const CLOSERS = '}])';

/**
 * Indents json-schema-to-typescript's unformatted output by bracket nesting, two spaces a level. A line that
 * opens several brackets indents its body once (`lines: [{`), and a line that starts by closing them comes
 * back to the opener's level (`}, ...({`). Brackets inside strings and comments do not count. Top-level
 * declarations get a blank line between them.
 */
export function indentDeclarations(source: string): string {
  /** For each open bracket, the indent of the line that opened it. */
  const open: number[] = [];
  let inComment = false;
  let declarationEnded = false;
  const lines: string[] = [];
  for (const raw of source.split('\n')) {
    const line = raw.trim();
    const inner = open.length === 0 ? 0 : open[open.length - 1]! + 1;
    if (line === '') continue;
    if (declarationEnded && !inComment) lines.push('');
    declarationEnded = false;
    if (inComment || line.startsWith('/*')) {
      lines.push('  '.repeat(inner) + (line.startsWith('*') ? ` ${line}` : line));
      inComment = !line.includes('*/');
      continue;
    }
    let indent = inner;
    let leading = true;
    let quote: string | undefined;
    for (let index = 0; index < line.length; index++) {
      const char = line[index]!;
      if (quote) {
        if (char === '\\') index++;
        else if (char === quote) quote = undefined;
      } else if (char === "'" || char === '"') {
        quote = char;
      } else if (char === '/' && line[index + 1] === '*') {
        const end = line.indexOf('*/', index + 2);
        if (end < 0) {
          inComment = true;
          break;
        }
        index = end + 1;
      } else if (OPENERS.includes(char)) {
        open.push(indent);
      } else if (CLOSERS.includes(char)) {
        const owner = open.pop() ?? 0;
        if (leading) indent = owner;
      }
      if (!CLOSERS.includes(char)) leading = false;
    }
    lines.push('  '.repeat(indent) + line);
    declarationEnded = open.length === 0 && !inComment;
  }
  return lines.join('\n');
}

function guard(property: string, typeName: string, tag: string): string {
  return [
    `/** True when \`value\` is the \`${tag}\` variant (its \`${property}\` tag). */`,
    `export function is${typeName}(value: unknown): value is ${typeName} {`,
    `  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[${JSON.stringify(property)}] === ${JSON.stringify(tag)};`,
    '}',
  ].join('\n');
}
