import path from 'node:path';
import { stringify } from 'yaml';
import { SourceMap } from '../model/sourceMap';
import type { NavInput } from './completion';
import { isObject, loadLenient, parseRef, refAt, sectionLabel, valueAt } from './refs';

const MAX_LINES = 40;


/** Markdown for the `$ref` or channel-address parameter under the cursor. */
export function hoverAt(input: NavInput): string | undefined {
  const ref = refAt(input.text, input.offset);
  if (ref) return refHover(input, ref.ref);
  return parameterHover(input);
}

function refHover(input: NavInput, ref: string): string {
  const parsed = parseRef(input.file, ref);
  if (!parsed) return `\`${ref}\` is not a reference Eventscope can follow.`;
  if (parsed.kind === 'remote') return `Remote reference \`${parsed.url}\` (not fetched for hovers).`;
  const files = new FileCache(input);
  const where = parsed.kind === 'local' ? '' : ` in \`${path.basename(parsed.file)}\``;
  const title = `${describeTarget(parsed.pointer)}${where}`;
  const target = followAliases(valueAt(files.load(parsed.file), parsed.pointer), parsed.file, files);
  if (target.value === undefined) return `${title}\n\nNot found: \`${ref}\``;
  return `${title}\n\n${yamlBlock(inlineRefs(target.value, target.file, files))}`;
}

/** A target that is itself only a `$ref` (a 3.x operation's message pointing into its channel) is shown as what it finally names. */
function followAliases(value: unknown, file: string, files: FileCache): { value: unknown; file: string } {
  let current = { value, file };
  for (let hop = 0; hop < 10 && isObject(current.value) && typeof current.value.$ref === 'string'; hop++) {
    const parsed = parseRef(current.file, current.value.$ref);
    if (!parsed || parsed.kind === 'remote') break;
    const next = valueAt(files.load(parsed.file), parsed.pointer);
    if (next === undefined) break;
    current = { value: next, file: parsed.file };
  }
  return current;
}

/** "**message** `OrderPlaced`" from the pointer's shape. */
function describeTarget(pointer: readonly string[]): string {
  const [first, second, third, fourth] = pointer;
  const name = pointer[pointer.length - 1] ?? '(whole file)';
  let kind = 'definition';
  if (first === 'components' && second && pointer.length === 3) kind = sectionLabel(second);
  else if (first === 'channels' && pointer.length === 2) kind = 'channel';
  else if (first === 'channels' && third === 'messages' && fourth && pointer.length === 4) return `**message** \`${fourth}\` of channel \`${second}\``;
  else if ((first === 'servers' || first === 'operations') && pointer.length === 2) kind = sectionLabel(first);
  return `**${kind}** \`${name}\``;
}

/** Parsed files of one hover, read at most once each. */
class FileCache {
  private readonly parsed = new Map<string, unknown>();

  constructor(private readonly input: NavInput) {}

  load(file: string): unknown {
    if (!this.parsed.has(file)) {
      const text = file === this.input.file ? this.input.text : this.input.readFile(file);
      this.parsed.set(file, text === undefined ? undefined : loadLenient(text));
    }
    return this.parsed.get(file);
  }
}

/** Replaces the `$ref`s inside `value` (relative to `file`) by their targets, one level deep, so the hover shows the shape. */
function inlineRefs(value: unknown, file: string, files: FileCache): unknown {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isObject(node)) return node;
    if (typeof node.$ref === 'string') {
      const parsed = parseRef(file, node.$ref);
      const target = parsed && parsed.kind !== 'remote' ? valueAt(files.load(parsed.file), parsed.pointer) : undefined;
      return target === undefined ? node : target;
    }
    return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, visit(child)]));
  };
  return visit(value);
}

function yamlBlock(value: unknown): string {
  const lines = stringify(value, { lineWidth: 0, aliasDuplicateObjects: false }).trimEnd().split('\n');
  const shown = lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES), '…'] : lines;
  return ['```yaml', ...shown, '```'].join('\n');
}

/** On `{name}` in a channel address (3.x `address`, 2.x channel key): the channel's declaration of that parameter. */
function parameterHover(input: NavInput): string | undefined {
  const hit = SourceMap.shared(input.text).nodeAt(input.offset);
  if (!hit || hit.path[0] !== 'channels') return undefined;
  const isV3Address = !hit.onKey && hit.path.length === 3 && hit.path[2] === 'address';
  const isV2Key = hit.onKey && hit.path.length === 2;
  const channelKey = hit.path[1];
  const address = isV3Address ? hit.value : channelKey;
  if ((!isV3Address && !isV2Key) || typeof address !== 'string' || channelKey === undefined) return undefined;

  const name = parameterUnderCursor(input.text, input.offset);
  if (!name || !address.includes(`{${name}}`)) return undefined;
  const files = new FileCache(input);
  const document = files.load(input.file);
  const declared = valueAt(document, ['channels', channelKey, 'parameters', name]);
  if (declared === undefined) return `**parameter** \`${name}\`\n\nNot declared in \`parameters\` of channel \`${channelKey}\`.`;
  return `**parameter** \`${name}\` of channel \`${channelKey}\`\n\n${yamlBlock(inlineRefs({ [name]: declared }, input.file, files))}`;
}

/** The `x` of the `{x}` the cursor is on, looking only at the cursor's line. */
function parameterUnderCursor(text: string, offset: number): string | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const newline = text.indexOf('\n', offset);
  const line = text.slice(lineStart, newline === -1 ? text.length : newline);
  const column = offset - lineStart;
  for (const match of line.matchAll(/\{([^{}]+)\}/g)) {
    if (column >= match.index && column <= match.index + match[0].length) return match[1];
  }
  return undefined;
}
