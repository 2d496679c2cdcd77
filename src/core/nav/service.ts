import { readFileSync } from 'node:fs';
import { asPlainJson } from '../model/jsonComments';
import { SourceMap } from '../model/sourceMap';
import type { NavQuery, NavResults, NavText } from '../worker/navProtocol';
import { completeAt, type NavInput } from './completion';
import { hoverAt } from './hover';
import { operationAnchors, outline } from './outline';
import { definitionLocation, findReferences, parseRef, refAt, type RefLocation, type RefTarget } from './refs';

/** The editor buffers the navigation worker has been sent, one version per file. */
export class NavTexts {
  private readonly buffers = new Map<string, { version: number; text: string }>();

  /** Takes in a query's buffers; returns the overlays that query may read (only the buffers it names). */
  update(texts: readonly NavText[]): Map<string, string> {
    const overlays = new Map<string, string>();
    for (const { file, version, text } of texts) {
      if (text !== undefined) this.buffers.set(file, { version, text });
      const held = this.buffers.get(file);
      if (!held || held.version !== version) throw new Error(`no text of ${file} at version ${version}`);
      overlays.set(file, held.text);
    }
    return overlays;
  }

  forget(file: string): void {
    this.buffers.delete(file);
  }
}

/** Answers one editor query over `file`; `overlays` (unsaved buffers) win over the files on disk. */
export function answerNavQuery<Q extends NavQuery>(file: string, query: Q, overlays: ReadonlyMap<string, string>): NavResults[Q['op']] {
  const readFile = (path: string): string | undefined => {
    let text = overlays.get(path);
    try {
      text ??= readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
    return asPlainJson(path, text);
  };
  const text = readFile(file) ?? '';
  const input = (offset: number): NavInput => ({ file, text, offset, readFile });
  const result = ((): NavResults[NavQuery['op']] => {
    switch (query.op) {
      case 'outline':
        return outline(text);
      case 'operationAnchors':
        return operationAnchors(text);
      case 'hover':
        return hoverAt(input(query.offset));
      case 'completion':
        return completeAt(input(query.offset));
      case 'definition':
        return definition(file, text, query.offset, readFile);
      case 'references':
        return references(file, text, query.offset, query.includeDeclaration, query.candidates, readFile);
    }
  })();
  return result as NavResults[Q['op']];
}

function definition(file: string, text: string, offset: number, readFile: (path: string) => string | undefined): RefLocation | undefined {
  const ref = refAt(text, offset);
  const target = ref && parseRef(file, ref.ref);
  if (!target || target.kind === 'remote') return undefined;
  const targetText = readFile(target.file);
  const range = targetText === undefined ? undefined : definitionLocation(target, targetText);
  return range && { file: target.file, range };
}

function references(
  file: string,
  text: string,
  offset: number,
  includeDeclaration: boolean,
  candidates: readonly string[],
  readFile: (path: string) => string | undefined,
): RefLocation[] {
  const target = targetAt(file, text, offset);
  if (!target) return [];
  const documents = candidates.flatMap((candidate) => {
    const candidateText = readFile(candidate);
    return candidateText !== undefined && candidateText.includes('$ref') ? [{ file: candidate, text: candidateText }] : [];
  });
  const locations = findReferences(target, documents);
  if (includeDeclaration) {
    const targetText = readFile(target.file);
    const declaration = targetText === undefined ? undefined : definitionLocation(target, targetText);
    if (declaration) locations.unshift({ file: target.file, range: declaration });
  }
  return locations;
}

/** What the cursor names: a `$ref`'s target, or the definition under it (a component key, say). */
function targetAt(file: string, text: string, offset: number): RefTarget | undefined {
  const ref = refAt(text, offset);
  if (ref) {
    const parsed = parseRef(file, ref.ref);
    return parsed && parsed.kind !== 'remote' ? parsed : undefined;
  }
  const node = SourceMap.shared(text).nodeAt(offset);
  return node?.onKey ? { file, pointer: node.path } : undefined;
}
