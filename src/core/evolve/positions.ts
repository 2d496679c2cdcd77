import { CORE_SCHEMA, load } from 'js-yaml';
import { LineIndex } from '../model/sourceMap';
import type { Range } from '../../shared/findings';

interface Span {
  start: number;
  end: number;
}

interface PositionNode extends Span {
  container: boolean;
  entries?: Map<string, { key: Span; value: PositionNode }>;
  items?: PositionNode[];
}

interface Frame {
  start: number;
  children: { node: PositionNode; result: unknown }[];
}

interface ListenerState {
  position: number;
  result: unknown;
  kind: string | null;
}

/**
 * Where each value of a YAML or JSON text is, built from js-yaml's parse events: several times faster
 * than a full positional parse, which matters when every change of a 1 MB document needs its range.
 * Same answers as `SourceMap.rangeOf` (checked on the corpus); undefined when the text does not parse.
 */
export class PositionIndex {
  private constructor(
    private readonly root: PositionNode,
    private readonly lines: LineIndex,
  ) {}

  static build(text: string): PositionIndex | undefined {
    /** js-yaml reports a node opening before the blanks and comments that precede it. */
    const skip = (from: number): number => {
      let at = from;
      for (;;) {
        while (at < text.length && /\s/.test(text[at] as string)) at++;
        if (text[at] !== '#') return at;
        while (at < text.length && text[at] !== '\n') at++;
      }
    };
    const stack: Frame[] = [{ start: 0, children: [] }];
    try {
      load(text, {
        schema: CORE_SCHEMA,
        json: true,
        listener(this: unknown, event: string, state: ListenerState) {
          if (event === 'open') {
            stack.push({ start: skip(state.position), children: [] });
            return;
          }
          const frame = stack.pop();
          const parent = stack[stack.length - 1];
          if (!frame || !parent) return;
          parent.children.push({ node: toNode(frame, state), result: state.result });
        },
      });
    } catch {
      return undefined;
    }
    const top = stack[0]?.children[0]?.node;
    return top ? new PositionIndex(top, new LineIndex(text)) : undefined;
  }

  /** As `SourceMap.rangeOf`: a scalar's whole range, a collection's first line, or the deepest existing key. */
  rangeOf(path: readonly string[], part: 'value' | 'key' = 'value'): Range {
    let node = this.root;
    let key: Span | undefined;
    let depth = 0;
    for (const segment of path) {
      const entry = node.entries?.get(segment);
      const item = node.items?.[Number(segment)];
      if (entry) {
        key = entry.key;
        node = entry.value;
      } else if (item && /^\d+$/.test(segment)) {
        key = undefined;
        node = item;
      } else break;
      depth++;
    }
    const exact = depth === path.length;
    // No key to point at (the root, a sequence item): the whole node, as SourceMap does.
    if (!(exact && part === 'value') && !key) return this.lines.rangeOf(node.start, node.end);
    const span = exact && part === 'value' ? node : (key ?? node);
    if (exact && part === 'value' && node.container) {
      const newline = this.lines.text.indexOf('\n', node.start);
      const lineEnd = newline === -1 ? node.end : Math.min(newline, node.end);
      return this.lines.rangeOf(node.start, node.start + this.lines.text.slice(node.start, lineEnd).trimEnd().length);
    }
    return this.lines.rangeOf(span.start, span.start + this.lines.text.slice(span.start, span.end).trimEnd().length);
  }
}

function toNode(frame: Frame, state: ListenerState): PositionNode {
  const end = state.position;
  // js-yaml reads a block sequence entry through a wrapper node: the entry is its one child.
  const only = frame.children.length === 1 ? frame.children[0] : undefined;
  if (only && only.result === state.result) return only.node;
  if (state.kind === 'mapping' && frame.children.length % 2 === 0) {
    const entries = new Map<string, { key: Span; value: PositionNode }>();
    for (let i = 0; i + 1 < frame.children.length; i += 2) {
      const key = frame.children[i];
      const value = frame.children[i + 1];
      if (key && value) entries.set(String(key.result), { key: key.node, value: value.node });
    }
    return { start: frame.start, end, container: true, entries };
  }
  if (state.kind === 'sequence') return { start: frame.start, end, container: true, items: frame.children.map((child) => child.node) };
  return { start: frame.start, end, container: false };
}
