import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
export const EXAMPLES = path.join(ROOT, 'examples');
export const CORPUS = path.join(ROOT, 'test/fixtures/corpus');
export const NAV_FIXTURES = path.join(ROOT, 'test/fixtures/nav');
export const COMPONENTS = path.join(EXAMPLES, 'common/components.yaml');
export const SERVICES = ['orders', 'payments', 'inventory', 'notifications'].map((service) => path.join(EXAMPLES, service, 'asyncapi.yaml'));

export function readText(file: string): string | undefined {
  return statSync(file, { throwIfNoEntry: false })?.isFile() ? readFileSync(file, 'utf8') : undefined;
}

export function read(file: string): string {
  const text = readText(file);
  if (text === undefined) throw new Error(`missing fixture ${file}`);
  return text;
}

/** Text with `§` marking the cursor: the text without it, and the cursor's offset. */
export function withCursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('§');
  if (offset === -1 || marked.indexOf('§', offset + 1) !== -1) throw new Error('mark exactly one cursor with §');
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

/** 0-based line of the first line of `text` matching `pattern`. */
export function lineMatching(text: string, pattern: RegExp): number {
  const line = text.split('\n').findIndex((candidate) => pattern.test(candidate));
  if (line === -1) throw new Error(`no line matches ${pattern}`);
  return line;
}

/** Offset `delta` characters into the first occurrence of `needle`. */
export function offsetOf(text: string, needle: string, delta = 0): number {
  const index = text.indexOf(needle);
  if (index === -1) throw new Error(`"${needle}" not found`);
  return index + delta;
}
