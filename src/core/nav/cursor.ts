/**
 * Where the cursor is in a document the user is typing, which is often not valid YAML or JSON yet:
 * the path comes from indentation (YAML) or from a lenient token scan (JSON), never from a full parse.
 */

export interface CursorContext {
  /** Path of the mapping (or sequence) the cursor is in. */
  container: string[];
  /** A key of `container` is being typed, or the value of `key`. */
  position: 'key' | 'value';
  /** The key whose value is typed; a sequence item's index in a JSON array. */
  key?: string;
  /** Span to replace: the key or value under the cursor after its opening quote, through its closing quote. */
  replaceStart: number;
  replaceEnd: number;
  /** Quote the typed text opened, if any. */
  quote: '' | '"' | "'";
  /** A `:` already follows the key, so a completion must not add one. */
  colonFollows: boolean;
  json: boolean;
  /** Keys already in `container` (for a key position), before and after the cursor. */
  presentKeys: string[];
}

export function cursorContext(text: string, offset: number): CursorContext | undefined {
  return /^\s*[{[]/.test(text) ? jsonCursor(text, offset) : yamlCursor(text, offset);
}

interface Entry {
  indent: number;
  kind: 'item' | 'key';
  key?: string;
  /** The entry has a scalar (or flow) value on its own line, so more-indented lines below are that scalar's text. */
  inlineValue: boolean;
}

interface ScannedLine {
  entries: Entry[];
  /** Continuation of a scalar (block scalar, folded plain text, multi-line flow). */
  content: boolean;
}

const YAML_KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{}[\],&*!|>%@`][^#]*?)\s*:(?=\s|$)/;

/** Items (`- `) then at most one key that open a YAML line. */
function lineEntries(line: string): Entry[] {
  const entries: Entry[] = [];
  let position = line.length - line.trimStart().length;
  while (line[position] === '-' && (position + 1 === line.length || /\s/.test(line[position + 1] ?? ''))) {
    entries.push({ indent: position, kind: 'item', inlineValue: false });
    position++;
    while (line[position] === ' ') position++;
  }
  const rest = line.slice(position);
  const key = YAML_KEY.exec(rest);
  if (key) {
    entries.push({ indent: position, kind: 'key', key: unquoteKey(key[1] ?? ''), inlineValue: hasInlineValue(rest.slice(key[0].length + 1)) });
  } else if (rest !== '' && !rest.startsWith('#')) {
    const last = entries[entries.length - 1];
    if (last) last.inlineValue = true;
  }
  return entries;
}

function unquoteKey(key: string): string {
  if (key.startsWith("'")) return key.slice(1, -1).replace(/''/g, "'");
  if (key.startsWith('"')) {
    try {
      return JSON.parse(key) as string;
    } catch {
      return key.slice(1, -1);
    }
  }
  return key.trim();
}

/** An anchor or tag alone announces a nested block, not a scalar. */
function hasInlineValue(afterColon: string): boolean {
  const value = afterColon.trim();
  return value !== '' && !value.startsWith('#') && !/^([&!]\S*\s*)+(#.*)?$/.test(value);
}

const lineIndent = (line: string): number => line.length - line.trimStart().length;
const isSkippable = (line: string): boolean => /^\s*(#|$)/.test(line) || /^(---|\.\.\.)(\s|$)/.test(line);

/** Structure of the lines before the cursor's, and whether the cursor's line (at `cursorIndent`) continues a scalar. */
function scanLines(lines: readonly string[], cursorIndent: number): { scanned: ScannedLine[]; cursorInContent: boolean } {
  const scanned: ScannedLine[] = [];
  let scalarOwnerIndent: number | undefined;
  for (const line of lines) {
    const blank = line.trim() === '';
    if (scalarOwnerIndent !== undefined && (blank || lineIndent(line) > scalarOwnerIndent)) {
      scanned.push({ entries: [], content: true });
      continue;
    }
    scalarOwnerIndent = undefined;
    const entries = isSkippable(line) ? [] : lineEntries(line);
    const last = entries[entries.length - 1];
    if (last?.inlineValue) scalarOwnerIndent = last.indent;
    scanned.push({ entries, content: false });
  }
  return { scanned, cursorInContent: scalarOwnerIndent !== undefined && cursorIndent > scalarOwnerIndent };
}

/** Index of the sequence item opened at `indent` on line `lineNumber`, counting its earlier siblings. */
function itemIndex(scanned: readonly ScannedLine[], lineNumber: number, indent: number): number {
  let index = 0;
  for (let line = lineNumber - 1; line >= 0; line--) {
    const entries = scanned[line]?.entries ?? [];
    const first = entries[0];
    if (!first) continue;
    // `- - x` opens a sibling and its parent on one line: count it, then stop.
    if (entries.some((entry) => entry.kind === 'item' && entry.indent === indent)) index++;
    if (first.indent < indent || (first.indent === indent && first.kind === 'key')) break;
  }
  return index;
}

/** Path of the collection that holds a node starting at `column`, below the items `lineItems` the cursor's line opens. */
function yamlPath(scanned: readonly ScannedLine[], cursorLine: number, column: number, lineItems: readonly Entry[]): string[] {
  const reversed: string[] = [];
  let limit = column;
  let underItem = false;
  const visit = (entry: Entry, lineNumber: number): void => {
    // An item's parent key may sit at the item's own indent (`tags:\n- name: x`).
    const isAncestor = entry.indent < limit || (underItem && entry.kind === 'key' && entry.indent === limit);
    if (!isAncestor) return;
    reversed.push(entry.kind === 'key' ? (entry.key ?? '') : String(itemIndex(scanned, lineNumber, entry.indent)));
    limit = entry.indent;
    underItem = entry.kind === 'item';
  };
  [...lineItems].reverse().forEach((entry) => visit(entry, cursorLine));
  for (let line = cursorLine - 1; line >= 0 && (limit > 0 || underItem); line--) {
    const entries = scanned[line]?.entries ?? [];
    [...entries].reverse().forEach((entry) => visit(entry, line));
  }
  return reversed.reverse();
}

function yamlCursor(text: string, offset: number): CursorContext | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const newline = text.indexOf('\n', offset);
  const lineEnd = newline === -1 ? text.length : newline;
  const prefix = text.slice(lineStart, offset);
  const suffix = text.slice(offset, lineEnd).replace(/\r$/, '');
  const lines = text.slice(0, Math.max(0, lineStart - 1)).split('\n');
  const cursorLine = lineStart === 0 ? 0 : lines.length;
  const previousLines = lineStart === 0 ? [] : lines;

  const items: Entry[] = [];
  let column = lineIndent(prefix);
  while (prefix[column] === '-' && /\s/.test(prefix[column + 1] ?? '')) {
    items.push({ indent: column, kind: 'item', inlineValue: false });
    column += 1 + spacesFrom(prefix, column + 1);
  }
  // Whether the line continues a scalar depends on where its text starts; a blank line is where the cursor is.
  const lineText = prefix + suffix;
  const { scanned, cursorInContent } = scanLines(previousLines, lineText.trim() === '' ? column : lineIndent(lineText));
  if (cursorInContent) return undefined;

  const rest = prefix.slice(column);
  const key = YAML_KEY.exec(rest);
  if (key) {
    const valueText = rest.slice(key[0].length + 1);
    const valueStart = lineStart + column + key[0].length + 1 + (valueText.length - valueText.trimStart().length);
    const typedValue = text.slice(valueStart, offset);
    const quote = typedValue.startsWith("'") ? "'" : typedValue.startsWith('"') ? '"' : '';
    if (quote && typedValue.indexOf(quote, 1) !== -1) return undefined;
    if (!quote && /(^|\s)#/.test(typedValue) && !typedValue.startsWith('#')) return undefined;
    const closing = quote ? suffix.indexOf(quote) : -1;
    const valueEnd = quote ? (closing === -1 ? lineEnd : offset + closing + 1) : offset + suffix.replace(/\s+#.*$/, '').trimEnd().length;
    return {
      container: yamlPath(scanned, cursorLine, column, items),
      position: 'value',
      key: unquoteKey(key[1] ?? ''),
      replaceStart: valueStart + quote.length,
      replaceEnd: Math.max(valueEnd, offset),
      quote,
      colonFollows: false,
      json: false,
      presentKeys: [],
    };
  }
  if (/(^|\s)#/.test(rest) || /:\s/.test(rest)) return undefined;
  const quote = rest.startsWith('"') ? '"' : rest.startsWith("'") ? "'" : '';
  const keyTail = /^[^\s:#]*/.exec(suffix)?.[0] ?? '';
  const linesAfter = scanLines(text.slice(lineEnd + 1).split('\n'), 0).scanned;
  // A key typed right after `- ` starts a new mapping: nothing above belongs to it.
  const keysAbove = items.length > 0 ? [] : siblingKeys([...scanned].reverse(), column, true);
  return {
    container: yamlPath(scanned, cursorLine, column, items),
    position: 'key',
    replaceStart: lineStart + column + quote.length,
    replaceEnd: offset + keyTail.length,
    quote,
    colonFollows: /^\s*:/.test(suffix.slice(keyTail.length)),
    json: false,
    presentKeys: [...keysAbove, ...siblingKeys(linesAfter, column, false)],
  };
}

/** Keys at `column` in the mapping the lines run through (nearest first), up to where that mapping ends. */
function siblingKeys(lines: readonly ScannedLine[], column: number, upward: boolean): string[] {
  const keys: string[] = [];
  for (const line of lines) {
    // Upward, a line's last entry is the innermost: `- name: x` holds a sibling key after its item.
    const entries = upward ? [...line.entries].reverse() : line.entries;
    for (const entry of entries) {
      if (entry.indent < column) return keys;
      if (entry.indent === column && entry.kind === 'key' && entry.key !== undefined) keys.push(entry.key);
      else if (entry.indent === column) return keys;
    }
  }
  return keys;
}

function spacesFrom(text: string, from: number): number {
  let position = from;
  while (text[position] === ' ') position++;
  return position - from;
}

type JsonFrame = { kind: 'object'; key?: string; expect: 'key' | 'colon' | 'value' | 'comma'; keys: string[] } | { kind: 'array'; index: number; expect: 'value' | 'comma' };

function jsonCursor(text: string, offset: number): CursorContext | undefined {
  const frames: JsonFrame[] = [];
  const top = (): JsonFrame | undefined => frames[frames.length - 1];
  const containerPath = (): string[] =>
    frames.slice(0, -1).map((frame) => (frame.kind === 'object' ? (frame.key ?? '') : String(frame.index)));
  const context = (position: 'key' | 'value', start: number, end: number, quote: '' | '"'): CursorContext | undefined => {
    const frame = top();
    if (!frame) return undefined;
    const after = text.slice(end);
    return {
      container: containerPath(),
      position,
      ...(position === 'value' ? { key: frame.kind === 'object' ? (frame.key ?? '') : String(frame.index) } : {}),
      replaceStart: start,
      replaceEnd: end,
      quote,
      colonFollows: /^\s*:/.test(after),
      json: true,
      presentKeys: frame.kind === 'object' ? [...frame.keys, ...jsonKeysAhead(text, end)] : [],
    };
  };
  const consumeValue = (): void => {
    const frame = top();
    if (frame) frame.expect = 'comma';
  };

  let index = 0;
  while (index < text.length) {
    const char = text[index] ?? '';
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    if (index >= offset) break;
    const frame = top();
    if (char === '"') {
      const end = stringEnd(text, index);
      const closed = text[end] === '"';
      if (offset > index && offset <= end) {
        const position = frame?.kind === 'object' && frame.expect === 'key' ? 'key' : 'value';
        return context(position, index + 1, closed ? end + 1 : end, '"');
      }
      if (frame?.kind === 'object' && frame.expect === 'key') {
        frame.key = text.slice(index + 1, end);
        frame.keys.push(frame.key);
        frame.expect = 'colon';
      } else {
        consumeValue();
      }
      index = closed ? end + 1 : end;
    } else if (char === '{' || char === '[') {
      frames.push(char === '{' ? { kind: 'object', expect: 'key', keys: [] } : { kind: 'array', index: 0, expect: 'value' });
      index++;
    } else if (char === '}' || char === ']') {
      frames.pop();
      consumeValue();
      index++;
    } else if (char === ':') {
      if (frame?.kind === 'object') frame.expect = 'value';
      index++;
    } else if (char === ',') {
      if (frame?.kind === 'object') {
        frame.expect = 'key';
        delete frame.key;
      } else if (frame) {
        frame.index++;
        frame.expect = 'value';
      }
      index++;
    } else {
      const literal = /^[^\s,:{}[\]"]+/.exec(text.slice(index))?.[0] ?? char;
      if (offset > index && offset <= index + literal.length) return context('value', index, index + literal.length, '');
      consumeValue();
      index += literal.length;
    }
  }
  const frame = top();
  if (frame?.kind === 'object' && frame.expect === 'key') return context('key', offset, offset, '');
  if (frame?.expect === 'value') return context('value', offset, offset, '');
  return undefined;
}

/** Offset of the closing quote of the JSON string opening at `start`, or of the line's end when it is unterminated. */
function stringEnd(text: string, start: number): number {
  let position = start + 1;
  while (position < text.length && text[position] !== '"' && text[position] !== '\n') position += text[position] === '\\' ? 2 : 1;
  return Math.min(position, text.length);
}

/** Keys of the object the cursor is in that follow `from`. */
function jsonKeysAhead(text: string, from: number): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let position = from; position < text.length; position++) {
    const char = text[position];
    if (char === '"') {
      const end = stringEnd(text, position);
      if (depth === 0 && /^\s*:/.test(text.slice(end + 1, end + 40))) keys.push(text.slice(position + 1, end));
      position = end;
    } else if (char === '{' || char === '[') {
      depth++;
    } else if (char === '}' || char === ']') {
      if (--depth < 0) break;
    }
  }
  return keys;
}
