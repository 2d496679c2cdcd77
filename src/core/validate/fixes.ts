import type { Finding, Range } from '../../shared/findings';
import { SourceMap } from '../model/sourceMap';

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  preferred: boolean;
}

const isJson = (text: string): boolean => /^\s*[[{]/.test(text);

/** The edits that fix a finding, computed on the text of the file the finding points into. */
export function fixesFor(text: string, finding: Finding): Fix[] {
  const fix = finding.fix;
  if (!fix) return [];
  const map = new SourceMap(text);
  switch (fix.kind) {
    case 'replaceRef':
      return fix.candidates.map((candidate, index) => ({
        title: `Change $ref to '${candidate}'`,
        edits: [{ range: finding.range, newText: quoteLike(text, map, finding.range, candidate) }],
        preferred: index === 0,
      }));
    case 'addField': {
      const edit = insertField(text, map, finding.path, fix.key, fix.value);
      return edit ? [{ title: `Add missing "${fix.key}"`, edits: [edit], preferred: true }] : [];
    }
    case 'declareParameter': {
      const channelPath = finding.path.at(-1) === 'address' ? finding.path.slice(0, -1) : finding.path;
      const is3 = finding.path.at(-1) === 'address';
      const edit = declareParameter(text, map, channelPath, fix.name, is3);
      return edit ? [{ title: `Declare parameter "${fix.name}"`, edits: [edit], preferred: true }] : [];
    }
  }
}

/** Keeps the quoting the user wrote around the old value. */
function quoteLike(text: string, map: SourceMap, range: Range, value: string): string {
  const first = text.charAt(map.lines.offsetAt(range.start));
  if (first === '"') return JSON.stringify(value);
  if (first === "'") return `'${value}'`;
  return `'${value}'`;
}

function indentOf(text: string, map: SourceMap, line: number): number {
  const start = map.lines.offsetAt({ line, character: 0 });
  return /^ */.exec(text.slice(start))?.[0].length ?? 0;
}

/** Inserts `key: value` as the first entry of the mapping at `parentPath`. */
function insertField(text: string, map: SourceMap, parentPath: string[], key: string, value: string): TextEdit | undefined {
  if (!map.has(parentPath)) return undefined;
  if (isJson(text)) {
    return insertJsonValue(text, map, parentPath, key, value.startsWith("'") ? JSON.stringify(value.slice(1, -1)) : JSON.stringify(value));
  }
  const siblings = map.keysAt(parentPath);
  if (parentPath.length === 0 || siblings.length > 0) {
    const first = siblings[0];
    const anchor = first === undefined ? { line: 0, character: 0 } : map.rangeOf([...parentPath, first], 'key').start;
    const indent = ' '.repeat(anchor.character);
    const lineStart = { line: anchor.line, character: 0 };
    return { range: { start: lineStart, end: lineStart }, newText: `${indent}${key}: ${value}\n` };
  }
  const parentKey = map.rangeOf(parentPath, 'key');
  const indent = ' '.repeat(indentOf(text, map, parentKey.start.line) + 2);
  const lineEnd = { line: parentKey.start.line, character: lineLength(text, map, parentKey.start.line) };
  return { range: { start: lineEnd, end: lineEnd }, newText: `\n${indent}${key}: ${value}` };
}

/** Inserts `"key": <json>` right after the opening brace of the object at `parentPath`. */
function insertJsonValue(text: string, map: SourceMap, parentPath: string[], key: string, json: string): TextEdit | undefined {
  const open = parentPath.length === 0 ? 0 : map.lines.offsetAt(map.rangeOf(parentPath).start);
  const brace = text.indexOf('{', open);
  if (brace === -1) return undefined;
  const position = map.lines.positionAt(brace + 1);
  const indent = ' '.repeat(indentOf(text, map, position.line) + 2);
  const hasSiblings = map.keysAt(parentPath).length > 0;
  return { range: { start: position, end: position }, newText: `\n${indent}${JSON.stringify(key)}: ${json}${hasSiblings ? ',' : ''}` };
}

function lineLength(text: string, map: SourceMap, line: number): number {
  const start = map.lines.offsetAt({ line, character: 0 });
  const end = text.indexOf('\n', start);
  return (end === -1 ? text.length : end) - start;
}

/** Adds the parameter under the channel's `parameters`, creating that mapping when absent. */
function declareParameter(text: string, map: SourceMap, channelPath: string[], name: string, is3: boolean): TextEdit | undefined {
  if (isJson(text)) {
    const declaration = is3 ? `{ "description": "" }` : `{ "schema": { "type": "string" } }`;
    return map.has([...channelPath, 'parameters'])
      ? insertJsonValue(text, map, [...channelPath, 'parameters'], name, declaration)
      : insertJsonValue(text, map, channelPath, 'parameters', `{ ${JSON.stringify(name)}: ${declaration} }`);
  }
  const parameters = [...channelPath, 'parameters'];
  if (map.has(parameters) && map.keysAt(parameters).length > 0) {
    const first = map.keysAt(parameters)[0] ?? '';
    const anchor = map.rangeOf([...parameters, first], 'key').start;
    const indent = ' '.repeat(anchor.character);
    const body = is3 ? `${indent}  description: ''` : `${indent}  schema:\n${indent}    type: string`;
    return { range: { start: { line: anchor.line, character: 0 }, end: { line: anchor.line, character: 0 } }, newText: `${indent}${name}:\n${body}\n` };
  }
  const siblings = map.keysAt(channelPath);
  const firstSibling = siblings[0];
  if (firstSibling === undefined) return undefined;
  const anchor = map.rangeOf([...channelPath, firstSibling], 'key').start;
  const indent = ' '.repeat(anchor.character);
  const body = is3 ? `${indent}    description: ''` : `${indent}    schema:\n${indent}      type: string`;
  return {
    range: { start: { line: anchor.line, character: 0 }, end: { line: anchor.line, character: 0 } },
    newText: `${indent}parameters:\n${indent}  ${name}:\n${body}\n`,
  };
}
