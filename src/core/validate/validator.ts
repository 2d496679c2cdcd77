import { distance } from 'fastest-levenshtein';
import type { Finding, FixHint, Range, Severity } from '../../shared/findings';
import { parseAsyncApi, type DocumentInventoryLike, type RefReader } from '../model/asyncapiParser';
import { buildEventModel, type EventModel } from '../model/eventModel';
import { SourceMap } from '../model/sourceMap';
import { checkDesignRules } from './designRules';
import { checkExamples } from './examples';
import { severityFor, type RuleSetting } from './ruleCatalog';
import type { SpectralConfig } from './spectralConfig';

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
  const referencedFiles = new Set<string>();
  const recordingReader: RefReader = {
    ...reader,
    readFile: (path) => {
      referencedFiles.add(path);
      return reader.readFile(path);
    },
  };
  const { diagnostics, inventory } = await parseAsyncApi({ text, source: file, reader: recordingReader, ruleset: options.spectral?.ruleset });
  const locator = new Locator(file, text, inventory);
  const findings: Finding[] = diagnostics.map((diagnostic) => {
    const targetFile = diagnostic.source ?? file;
    const path = diagnostic.path.map(String);
    return {
      file: targetFile,
      range: diagnostic.range,
      severity: SEVERITY_BY_NUMBER[diagnostic.severity] ?? 'error',
      code: String(diagnostic.code),
      message: diagnostic.message.replace(/^RemoteRefDisabled: /, ''),
      path,
      fix: fixFor(String(diagnostic.code), diagnostic.message, locator, targetFile),
    };
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
  referencedFiles.delete(file);
  return { file, findings, model, referencedFiles: [...referencedFiles] };
}

/** Maps paths of the resolved document back to the file and range where they are written. */
class Locator {
  private readonly sourceMaps = new Map<string, SourceMap>();

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly inventory: DocumentInventoryLike | undefined,
  ) {}

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
    if (file === this.file) {
      let map = this.sourceMaps.get(file);
      if (!map) this.sourceMaps.set(file, (map = new SourceMap(this.text)));
      return map;
    }
    return undefined;
  }
}

const MISSING_PROPERTY = /must have required property "([^"]+)"/;
const MISSING_REF = /^'(#\/[^']*)' does not exist$/;

/** Quick-fix hints for the parser's findings that have a mechanical fix. */
function fixFor(code: string, message: string, locator: Locator, file: string): FixHint | undefined {
  const missing = MISSING_PROPERTY.exec(message);
  if (missing?.[1]) return { kind: 'addField', key: missing[1], value: placeholderFor(missing[1]) };
  const missingRef = code === 'invalid-ref' ? MISSING_REF.exec(message) : null;
  if (missingRef?.[1]) {
    const wanted = missingRef[1];
    const section = wanted.slice(0, wanted.lastIndexOf('/') + 1);
    const candidates = locator
      .componentNames(file)
      .map((name) => ({ name, score: distance(name, wanted) - (name.startsWith(section) ? 5 : 0) }))
      .sort((a, b) => a.score - b.score)
      .slice(0, 3)
      .map(({ name }) => name);
    return candidates.length > 0 ? { kind: 'replaceRef', candidates } : undefined;
  }
  return undefined;
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
