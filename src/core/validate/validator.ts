import { distance } from 'fastest-levenshtein';
import path from 'node:path';
import type { Finding, FixHint, Range, Severity } from '../../shared/findings';
import { parseAsyncApi, type DocumentInventoryLike, type RefReader } from '../model/asyncapiParser';
import { buildEventModel, type EventModel } from '../model/eventModel';
import { SourceMap } from '../model/sourceMap';
import { checkDesignRules } from './designRules';
import { checkExamples } from './examples';
import { severityFor, type RuleSetting } from './ruleCatalog';
import type { SpectralConfig } from './spectralConfig';
import { asPlainJson } from '../model/jsonComments';

export interface ValidationOptions {
  /** Severity overrides of Eventscope's rules, from `eventscope.rules`. */
  rules?: Readonly<Record<string, RuleSetting>>;
  spectral?: SpectralConfig;
}

export interface DocumentValidation {
  file: string;
  findings: Finding[];
  model?: EventModel;
  /** Every other file the document's `$ref`s read, so a change there re-validates it. */
  referencedFiles: string[];
}

const SEVERITY_BY_NUMBER: Severity[] = ['error', 'warning', 'info', 'hint'];

/** Validates one document: parser and ruleset findings, example checks and the event-design rules. */
export async function validateDocument(
  text: string,
  file: string,
  reader: RefReader,
  options: ValidationOptions = {},
): Promise<DocumentValidation> {
  text = asPlainJson(file, text);
  const referencedTexts = new Map<string, string>();
  const recordingReader: RefReader = {
    ...reader,
    readFile: async (path) => {
      const content = asPlainJson(path, await reader.readFile(path));
      referencedTexts.set(path, content);
      return content;
    },
  };
  const { diagnostics, inventory } = await parseAsyncApi({ text, source: file, reader: recordingReader, ruleset: options.spectral?.ruleset });
  const locator = new Locator(file, text, inventory, referencedTexts);
  const findings: Finding[] = diagnostics.map((diagnostic) => {
    const code = String(diagnostic.code);
    const finding: Finding = {
      file: diagnostic.source ?? file,
      range: clampRange(diagnostic.range),
      severity: SEVERITY_BY_NUMBER[diagnostic.severity] ?? 'error',
      code,
      message: diagnostic.message.replace(/^RemoteRefDisabled: /, ''),
      path: diagnostic.path.map(String),
    };
    const missing = code === 'invalid-ref' ? MISSING_REF.exec(diagnostic.message) : null;
    if (missing?.[1]) return onFailingRef(finding, missing[1], missing[2] ?? file, locator);
    const fix = fixFor(diagnostic.message);
    return fix ? { ...finding, fix } : finding;
  });
  for (const problem of options.spectral?.problems ?? []) {
    findings.push({ file, range: locator.rangeIn(file, []), severity: 'warning', code: 'eventscope-spectral-config', message: problem, path: [] });
  }
  const model = inventory ? buildEventModel(inventory.resolved) : undefined;
  if (model) {
    const ruleFindings = [
      ...checkExamples(model).map((problem) => ({ code: 'eventscope-invalid-example' as const, path: problem.path, message: problem.message, fix: undefined })),
      ...checkDesignRules(model),
    ];
    for (const finding of ruleFindings) {
      const severity = severityFor(finding.code, options.rules);
      if (!severity) continue;
      const location = locator.locate(finding.path);
      findings.push({ ...location, severity, code: finding.code, message: finding.message, fix: finding.fix });
    }
  }
  referencedTexts.delete(file);
  return { file, findings: withoutSpectralParameterEchoes(findings), model, referencedFiles: [...referencedTexts.keys()] };
}

/** The parser reports some YAML errors at character -1, which no editor accepts. */
function clampRange(range: Range): Range {
  const clamp = (position: Range['start']): Range['start'] => ({ line: Math.max(0, position.line), character: Math.max(0, position.character) });
  return { start: clamp(range.start), end: clamp(range.end) };
}

/** Spectral's channel-parameters rule and Eventscope's parameter rules that say the same thing about one channel. */
const PARAMETER_ECHOES = [
  { spectral: /^Not all channel's parameters/, ours: 'eventscope-undeclared-parameter' },
  { spectral: /redundant defined/, ours: 'eventscope-unused-parameter' },
];

/**
 * One problem, one diagnostic: where Eventscope's own parameter rule (which carries a quick fix)
 * reports a channel, Spectral's report of the same problem there is dropped. When ours is switched
 * off, Spectral's stays.
 */
function withoutSpectralParameterEchoes(findings: Finding[]): Finding[] {
  const channel = (finding: Finding): string => `${finding.file}|${finding.path.slice(0, 2).join('/')}`;
  return findings.filter((finding) => {
    if (!/^asyncapi[23]-channel-parameters$/.test(finding.code)) return true;
    const echo = PARAMETER_ECHOES.find((candidate) => candidate.spectral.test(finding.message));
    return !echo || !findings.some((other) => other.code === echo.ours && channel(other) === channel(finding));
  });
}

/** Maps paths of the resolved document back to the file and range where they are written. */
class Locator {
  private readonly sourceMaps = new Map<string, SourceMap>();

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly inventory: DocumentInventoryLike | undefined,
    private readonly referencedTexts: ReadonlyMap<string, string>,
  ) {}

  /** The root file first, then every file read while resolving. */
  files(): string[] {
    return [this.file, ...[...this.referencedTexts.keys()].filter((file) => file !== this.file)];
  }

  refsIn(file: string): ReturnType<SourceMap['refs']> {
    return this.sourceMap(file)?.refs() ?? [];
  }

  locate(resolvedPath: string[]): { file: string; range: Range; path: string[] } {
    const item = this.inventory?.findAssociatedItemForPath(resolvedPath, true);
    if (item) {
      const path = item.path.map(String);
      const range = item.document.getRangeForJsonPath(item.path, true);
      const file = item.document.source ?? this.file;
      return { file, path, range: range ?? this.rangeIn(file, path) };
    }
    return { file: this.file, path: resolvedPath, range: this.rangeIn(this.file, resolvedPath) };
  }

  rangeIn(file: string, path: string[]): Range {
    return this.sourceMap(file)?.rangeOf(path) ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  }

  /** Component names of one file, for suggestions. */
  componentNames(file: string): string[] {
    const map = this.sourceMap(file);
    if (!map) return [];
    const names: string[] = [];
    for (const section of ['schemas', 'messages', 'channels', 'parameters', 'correlationIds', 'operations', 'servers', 'securitySchemes', 'messageTraits', 'operationTraits', 'replies', 'replyAddresses', 'tags', 'externalDocs', 'serverVariables', 'channelBindings', 'messageBindings', 'operationBindings', 'serverBindings']) {
      for (const name of map.keysAt(['components', section])) names.push(`#/components/${section}/${name}`);
    }
    for (const name of map.keysAt(['channels'])) names.push(`#/channels/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    return names;
  }

  private sourceMap(file: string): SourceMap | undefined {
    const text = file === this.file ? this.text : this.referencedTexts.get(file);
    if (text === undefined) return undefined;
    let map = this.sourceMaps.get(file);
    if (!map) this.sourceMaps.set(file, (map = new SourceMap(text)));
    return map;
  }
}

const MISSING_PROPERTY = /must have required property "([^"]+)"/;
/** `'#/pointer' does not exist`, with ` @ '/abs/file'` when the target is in another file. */
const MISSING_REF = /^'(#[^']*)' does not exist(?: @ '([^']+)')?$/;

/** Quick-fix hints for the parser's findings that have a mechanical fix. */
function fixFor(message: string): FixHint | undefined {
  const missing = MISSING_PROPERTY.exec(message);
  if (missing?.[1]) return { kind: 'addField', key: missing[1], value: placeholderFor(missing[1]) };
  return undefined;
}

/**
 * The parser puts an unresolvable `$ref` at the path it was following (line 0 when that is in another
 * file, or on a correct ref that leads through the broken one); the finding belongs on the `$ref`
 * that names the missing target, and its fix offers the target file's own component names.
 */
function onFailingRef(finding: Finding, wanted: string, targetFile: string, locator: Locator): Finding {
  for (const file of locator.files()) {
    for (const ref of locator.refsIn(file)) {
      const hash = ref.target.indexOf('#');
      if (hash === -1 || ref.target.slice(hash) !== wanted) continue;
      const filePart = ref.target.slice(0, hash);
      const resolved = filePart === '' ? file : path.resolve(path.dirname(file), filePart);
      if (resolved !== targetFile) continue;
      const fix = replaceRefFix(wanted, locator.componentNames(targetFile).map((name) => filePart + name), filePart);
      return { ...finding, file, range: ref.range, path: [...ref.path, '$ref'], ...(fix ? { fix } : {}) };
    }
  }
  const fix = replaceRefFix(wanted, locator.componentNames(targetFile), '');
  return fix ? { ...finding, fix } : finding;
}

function replaceRefFix(wanted: string, names: string[], filePart: string): FixHint | undefined {
  const full = filePart + wanted;
  const section = full.slice(0, full.lastIndexOf('/') + 1);
  const candidates = names
    .map((name) => ({ name, score: distance(name, full) - (name.startsWith(section) ? 5 : 0) }))
    .sort((a, b) => a.score - b.score)
    .slice(0, 3)
    .map(({ name }) => name);
  return candidates.length > 0 ? { kind: 'replaceRef', candidates } : undefined;
}

function placeholderFor(key: string): string {
  switch (key) {
    case 'version':
      return "'1.0.0'";
    case 'title':
      return 'Untitled';
    case 'action':
      return 'send';
    default:
      return "''";
  }
}
