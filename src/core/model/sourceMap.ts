import { isMap, isPair, isScalar, isSeq, parseDocument, type Node, type Pair } from 'yaml';
import { parsedYaml } from './parseCache';
import type { Position, Range } from '../../shared/findings';

/** Offsets ↔ 0-based line/character positions of one text. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - (this.lineStarts[low] ?? 0) };
  }

  offsetAt(position: Position): number {
    const start = this.lineStarts[Math.min(position.line, this.lineStarts.length - 1)] ?? 0;
    return Math.min(start + position.character, this.text.length);
  }

  rangeOf(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }
}

export interface NodeAtOffset {
  path: string[];
  /** True when the offset is on a mapping key rather than its value. */
  onKey: boolean;
  /** Scalar value under the cursor, when there is one. */
  value?: unknown;
  range: Range;
}

type Located = { node: Node | null; key?: Node | null; pair?: Pair };

/**
 * Maps JSON pointers to ranges in a YAML or JSON text (JSON is YAML), and offsets back to pointers.
 * Unlike the parser's own ranges, this works on any file of a multi-file document, parsed or not.
 */
export class SourceMap {
  readonly lines: LineIndex;
  private readonly root: Node | null;

  /** `root`: an already parsed tree of `text`, else it is parsed here. */
  constructor(
    readonly text: string,
    root?: Node | null,
  ) {
    this.lines = new LineIndex(text);
    // Tolerant: a document being typed still maps as far as it parses.
    this.root = root !== undefined ? root : parseDocument(text, { uniqueKeys: false, strict: false }).contents;
  }

  /** For editor queries that come in bursts over one version: the parse is shared through the parse cache. */
  static shared(text: string): SourceMap {
    return new SourceMap(text, parsedYaml(text).contents);
  }

  /** Walks `path` as far as it exists. */
  private locate(path: readonly string[]): { found: Located; depth: number } {
    let current: Located = { node: this.root };
    let depth = 0;
    for (const segment of path) {
      const node = current.node;
      let next: Located | undefined;
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
        if (pair) next = { node: pair.value as Node | null, key: pair.key as Node, pair };
      } else if (isSeq(node)) {
        const index = Number(segment);
        const item = Number.isInteger(index) ? node.items[index] : undefined;
        if (item !== undefined) next = { node: item as Node };
      }
      if (!next) break;
      current = next;
      depth++;
    }
    return { found: current, depth };
  }

  /**
   * Range of the value at `path` (or of its key with `part: 'key'`); when the path does not exist,
   * the range of its deepest existing ancestor's key, so a finding about a missing field lands on its parent.
   */
  rangeOf(path: readonly string[], part: 'value' | 'key' = 'value'): Range {
    const { found, depth } = this.locate(path);
    const exact = depth === path.length;
    const node = exact && part === 'value' ? found.node : (found.key ?? found.node);
    const range = node?.range;
    if (!range) return this.lines.rangeOf(0, Math.min(this.text.length, firstLineEnd(this.text)));
    const end = exact && part === 'value' && !isScalar(node) ? endOfFirstLine(this.text, range[0], range[1]) : range[1];
    return this.lines.rangeOf(range[0], end);
  }

  /** Keys of the mapping at `path`, in document order. */
  keysAt(path: readonly string[]): string[] {
    const { found, depth } = this.locate(path);
    if (depth !== path.length || !isMap(found.node)) return [];
    return found.node.items.flatMap((pair) => (isScalar(pair.key) ? [String(pair.key.value)] : []));
  }

  has(path: readonly string[]): boolean {
    return this.locate(path).depth === path.length;
  }

  /** The deepest node containing `offset`, with its JSON pointer. */
  nodeAt(offset: number): NodeAtOffset | undefined {
    const path: string[] = [];
    let node: Node | null = this.root;
    let onKey = false;
    let hit: Node | null = null;
    while (node) {
      hit = node;
      let next: Node | null = null;
      if (isMap(node)) {
        for (const pair of node.items) {
          const key = pair.key as Node | null;
          const value = pair.value as Node | null;
          if (key?.range && offset >= key.range[0] && offset <= key.range[1]) {
            path.push(String(isScalar(key) ? key.value : ''));
            hit = key;
            onKey = true;
            next = null;
            node = null;
            break;
          }
          if (value?.range && offset >= value.range[0] && offset <= value.range[1]) {
            path.push(String(isScalar(key) ? key.value : ''));
            next = value;
            break;
          }
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, index) => {
          const range = (item as Node | null)?.range;
          if (!next && range && offset >= range[0] && offset <= range[1]) {
            path.push(String(index));
            next = item as Node;
          }
        });
      }
      if (!node) break;
      node = next;
    }
    if (!hit?.range) return undefined;
    return {
      path,
      onKey,
      value: isScalar(hit) ? hit.value : undefined,
      range: this.lines.rangeOf(hit.range[0], hit.range[1]),
    };
  }

  /** Every `$ref` in the text with its pointer and the range of its value. */
  refs(): { path: string[]; target: string; range: Range }[] {
    const found: { path: string[]; target: string; range: Range }[] = [];
    const walk = (node: unknown, path: string[]): void => {
      if (isMap(node)) {
        for (const pair of node.items) {
          if (!isPair(pair) || !isScalar(pair.key)) continue;
          const key = String(pair.key.value);
          if (key === '$ref' && isScalar(pair.value) && typeof pair.value.value === 'string' && pair.value.range) {
            found.push({ path, target: pair.value.value, range: this.lines.rangeOf(pair.value.range[0], pair.value.range[1]) });
          } else {
            walk(pair.value, [...path, key]);
          }
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, index) => walk(item, [...path, String(index)]));
      }
    };
    walk(this.root, []);
    return found;
  }
}

function firstLineEnd(text: string): number {
  const newline = text.indexOf('\n');
  return newline === -1 ? text.length : newline;
}

/** Collections span many lines; a finding on one is shown on its first line only. */
function endOfFirstLine(text: string, start: number, end: number): number {
  const newline = text.indexOf('\n', start);
  const lineEnd = newline === -1 ? end : Math.min(newline, end);
  return text.slice(start, lineEnd).trimEnd().length + start;
}
