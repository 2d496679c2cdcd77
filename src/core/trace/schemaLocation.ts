import path from 'node:path';
import { parse } from 'yaml';
import { SourceMap } from '../model/sourceMap';
import type { Range } from '../../shared/findings';

export interface SchemaLocation {
  file: string;
  range: Range;
  /** JSON pointer segments inside `file`. */
  path: string[];
}

const MAX_REF_HOPS = 32;

/**
 * Where a path of the resolved document (a validation error's `schemaPath`) is written in the sources:
 * follows `$ref`s on the way, into other files too, so the error lands on the schema keyword itself
 * rather than on the `$ref` that pulled it in. Stops at the deepest part it can find.
 */
export function schemaLocation(file: string, resolvedPath: readonly string[], readText: (file: string) => string | undefined): SchemaLocation | undefined {
  const texts = new Map<string, { text: string; data: unknown }>();
  const load = (target: string): { text: string; data: unknown } | undefined => {
    let loaded = texts.get(target);
    if (!loaded) {
      const text = readText(target);
      if (text === undefined) return undefined;
      try {
        loaded = { text, data: parse(text) as unknown };
      } catch {
        return undefined;
      }
      texts.set(target, loaded);
    }
    return loaded;
  };
  let current = load(file);
  if (!current) return undefined;
  let currentFile = file;
  let sourcePath: string[] = [];
  let node: unknown = current.data;
  let hops = 0;
  for (const segment of resolvedPath) {
    while (isRef(node) && hops++ < MAX_REF_HOPS) {
      const [target = '', pointer = ''] = node.$ref.split('#');
      const targetFile = target === '' ? currentFile : path.resolve(path.dirname(currentFile), target);
      const loaded = load(targetFile);
      if (!loaded) break;
      currentFile = targetFile;
      current = loaded;
      sourcePath = pointer.split('/').filter(Boolean).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
      node = at(loaded.data, sourcePath);
    }
    if (typeof node !== 'object' || node === null || !(segment in node)) break;
    node = (node as Record<string, unknown>)[segment];
    sourcePath = [...sourcePath, segment];
  }
  return { file: currentFile, path: sourcePath, range: new SourceMap(current.text).rangeOf(sourcePath) };
}

function isRef(node: unknown): node is { $ref: string } {
  return typeof node === 'object' && node !== null && typeof (node as { $ref?: unknown }).$ref === 'string';
}

function at(data: unknown, segments: readonly string[]): unknown {
  let node = data;
  for (const segment of segments) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
