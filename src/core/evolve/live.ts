import path from 'node:path';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import type { Finding, Range, Severity } from '../../shared/findings';
import type { ProjectDiffConfig } from './config';
import { compatibilityProblem, diffDocuments, type ChangeClass, type CompatibilityMode, type DiffReport } from './documentDiff';
import type { LoadedDocument } from './loader';
import { bumpedVersion } from './version';

export const LIVE_DIFF_CODES = { versionBump: 'eventscope-version-bump', compatibility: 'eventscope-compatibility' } as const;

const SEVERITY: Record<ChangeClass, Severity> = { breaking: 'warning', unclassified: 'info', 'non-breaking': 'hint' };
const START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export interface LiveDiff {
  report: DiffReport;
  /** Findings in the edited document's own file. */
  findings: Finding[];
  /** The `info.version` the version finding proposes, for its quick fix. */
  proposedVersion?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Pointers of the `$ref`s in `text` whose target is `target` (another file). */
function refsTo(text: string, file: string, target: string): string[][] {
  let root: unknown;
  try {
    root = loadYaml(text, { schema: CORE_SCHEMA, json: true });
  } catch {
    return [];
  }
  const found: string[][] = [];
  const walk = (node: unknown, pointer: string[]): void => {
    if (Array.isArray(node)) node.forEach((item, index) => walk(item, [...pointer, String(index)]));
    else if (isObject(node)) {
      const ref = node.$ref;
      if (typeof ref === 'string' && !ref.startsWith('#') && !/^https?:/.test(ref)) {
        const hash = ref.indexOf('#');
        if (path.resolve(path.dirname(file), decodeURI(hash === -1 ? ref : ref.slice(0, hash))) === target) found.push([...pointer, '$ref']);
      }
      for (const [key, value] of Object.entries(node)) if (key !== '$ref') walk(value, [...pointer, key]);
    }
  };
  walk(root, []);
  return found;
}

/**
 * The changes between HEAD and the edited document as findings in the document's own file, under the
 * project's `.eventscope.yaml` (mode, rule settings, ignores) and the mode setting. A change written in
 * a `$ref`'d file is shown on the `$ref` that leads there (else at the top of the document); an invalid
 * `x-eventscope-compatibility` and a version that does not say the changes are findings too.
 */
export function liveDiff(before: LoadedDocument, after: LoadedDocument, project: ProjectDiffConfig | undefined, settingMode: CompatibilityMode | undefined): LiveDiff {
  const report = diffDocuments(before, after, { defaultMode: project?.mode ?? settingMode, rules: project?.rules, ignore: project?.ignore });
  const file = after.file;
  const text = after.texts.get(file) ?? '';
  const refRanges = new Map<string, Range>();
  const rangeOfRefTo = (target: string): Range => {
    let range = refRanges.get(target);
    if (!range) {
      const pointer = refsTo(text, file, target)[0];
      range = (pointer && after.rangeOf(file, pointer)) ?? START;
      refRanges.set(target, range);
    }
    return range;
  };
  const finding = (range: Range, severity: Severity, code: string, message: string, pointer: string[] = []): Finding => ({ file, range, severity, code, message, path: pointer });
  const findings = report.changes.flatMap((change): Finding[] => {
    const location = change.new;
    if (!location) return [];
    const text = `${change.class}: ${change.message} (against HEAD)`;
    if (location.file === file) return location.range ? [finding(location.range, SEVERITY[change.class], change.rule, text)] : [];
    return [finding(rangeOfRefTo(location.file), SEVERITY[change.class], change.rule, `${text} in ${path.relative(path.dirname(file), location.file)}${location.pointer ? `#${location.pointer}` : ''}`)];
  });
  const modeProblem = compatibilityProblem(after);
  if (modeProblem) findings.push(finding(after.rangeOf(file, ['x-eventscope-compatibility']) ?? START, 'error', LIVE_DIFF_CODES.compatibility, modeProblem, ['x-eventscope-compatibility']));
  const proposedVersion = bumpedVersion(report.version.oldVersion, report.version.requiredBump);
  const problem = report.version.problem;
  if (problem && proposedVersion && report.version.requiredBump !== 'none') {
    findings.push(finding(after.rangeOf(file, ['info', 'version']) ?? START, problem.severity === 'error' ? 'error' : 'warning', LIVE_DIFF_CODES.versionBump, `${problem.message} (info.version ${proposedVersion} would do)`, ['info', 'version']));
    return { report, findings, proposedVersion };
  }
  return { report, findings };
}
