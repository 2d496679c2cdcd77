import path from 'node:path';
import type { Change, ChangeClass, ChangeLocation, DiffReport } from './documentDiff';
import { DIFF_RULES } from './rules';
import { bumpedVersion } from './version';

export type DiffFormat = 'text' | 'json' | 'markdown' | 'sarif';
const ORDER: ChangeClass[] = ['breaking', 'unclassified', 'non-breaking'];

const sorted = (changes: readonly Change[]): Change[] => [...changes].sort((a, b) => ORDER.indexOf(a.class) - ORDER.indexOf(b.class));
/** A removal is shown at the removed node in the old version; anything else where it is written in the new one. */
const primaryLocation = (change: Change): ChangeLocation | undefined => (change.rule.endsWith('-removed') ? (change.old ?? change.new) : (change.new ?? change.old));
const pointerOf = (change: Change): string => primaryLocation(change)?.pointer ?? '';
const relativeFile = (cwd: string, file: string): string => path.relative(cwd, file).split(path.sep).join('/') || file;

/** A location for JSON output: the file relative to `cwd` and 1-based lines and columns. */
function jsonLocation(location: ChangeLocation | undefined, cwd: string): { file: string; pointer: string; range?: { start: { line: number; column: number }; end: { line: number; column: number } } } | undefined {
  if (!location) return undefined;
  const { range } = location;
  return {
    file: relativeFile(cwd, location.file),
    pointer: location.pointer,
    range: range && { start: { line: range.start.line + 1, column: range.start.character + 1 }, end: { line: range.end.line + 1, column: range.end.character + 1 } },
  };
}

function where(change: Change, cwd: string): string {
  const location = primaryLocation(change);
  if (!location) return '';
  const file = path.relative(cwd, location.file) || location.file;
  return location.range ? `${file}:${location.range.start.line + 1}:${location.range.start.character + 1}` : `${file}#${location.pointer}`;
}

function versionLine(report: DiffReport, withProblem = true): string {
  const { version } = report;
  const proposal = bumpedVersion(version.oldVersion, version.requiredBump);
  const required = version.requiredBump === 'none' ? 'no bump required' : `${version.requiredBump} bump required${proposal ? ` (${proposal})` : ''}`;
  return `version ${version.oldVersion} → ${version.newVersion}: ${required}${withProblem && version.problem ? ` — ${version.problem.severity}: ${version.problem.message}` : ''}`;
}

/** "e.g. /status = "done" is accepted only by the new version". */
export function describeCounterexample(change: Change): string {
  const example = change.counterexample;
  if (!example) return '';
  return `e.g. ${example.at ? `${example.at} = ` : ''}${JSON.stringify(example.value)} is accepted only by the ${example.acceptedBy} version`;
}

export function formatDiffText(report: DiffReport, cwd: string): string {
  const lines = sorted(report.changes).map((change) => {
    const used = change.usages.length > 0 ? ` [${change.usages.join('; ')}]` : '';
    const example = change.class === 'breaking' && change.counterexample ? ` (${describeCounterexample(change)})` : '';
    return `${where(change, cwd)} ${change.class} ${change.rule} ${change.message}${example}${used}`;
  });
  const { summary } = report;
  lines.push(`mode ${report.mode}: ${summary.breaking} breaking, ${summary.nonBreaking} non-breaking, ${summary.unclassified} unclassified`);
  lines.push(versionLine(report));
  return lines.join('\n');
}

/**
 * The JSON the issue fixes: one entry per change (with the rule's help and where it is in each version),
 * the summary, the bump and whether the version says it.
 */
export function formatDiffJson(report: DiffReport, cwd: string): string {
  return JSON.stringify({
    changes: sorted(report.changes).map((change) => ({ class: change.class, rule: change.rule, path: pointerOf(change), message: change.message, help: change.help, oldRange: jsonLocation(change.old, cwd), newRange: jsonLocation(change.new, cwd) })),
    summary: report.summary,
    requiredBump: report.version.requiredBump,
    versionOk: report.version.versionOk,
  });
}

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A pull-request comment: verdict first, then one table per class. */
export function formatDiffMarkdown(report: DiffReport, cwd: string): string {
  const { summary, version } = report;
  const verdict = summary.breaking > 0 ? '❌ Breaking changes' : summary.unclassified > 0 ? '⚠️ Changes to review' : report.changes.length > 0 ? '✅ No breaking changes' : '✅ No changes';
  const lines = [`### ${verdict}`, '', `Mode \`${report.mode}\`: **${summary.breaking}** breaking, **${summary.nonBreaking}** non-breaking, **${summary.unclassified}** unclassified.`, '', escapeCell(versionLine(report, false)), ''];
  for (const changeClass of ORDER) {
    const changes = report.changes.filter((change) => change.class === changeClass);
    if (changes.length === 0) continue;
    lines.push(`#### ${changeClass} (${changes.length})`, '', '| rule | change | where | used by |', '| --- | --- | --- | --- |');
    for (const change of changes) {
      const example = change.counterexample ? ` — ${describeCounterexample(change)}` : '';
      lines.push(`| \`${change.rule}\` | ${escapeCell(change.message + example)} | \`${escapeCell(where(change, cwd))}\` | ${escapeCell(change.usages.join('; '))} |`);
    }
    lines.push('');
  }
  if (version.problem) lines.push(`> **${version.problem.severity}**: ${escapeCell(version.problem.message)}`, '');
  return lines.join('\n');
}

const SARIF_LEVEL: Record<ChangeClass, 'error' | 'warning' | 'note'> = { breaking: 'error', unclassified: 'warning', 'non-breaking': 'note' };

export function formatDiffSarif(report: DiffReport, cwd: string, toolVersion: string): string {
  const ruleIds = [...new Set(report.changes.map((change) => change.rule))].sort();
  return JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'eventscope-diff', version: toolVersion, informationUri: 'https://github.com/eventscope/eventscope', rules: ruleIds.map((id) => ({ id, shortDescription: { text: DIFF_RULES[id] } })) } },
          results: sorted(report.changes).map((change) => {
            const location = primaryLocation(change);
            return {
              ruleId: change.rule,
              ruleIndex: ruleIds.indexOf(change.rule),
              level: SARIF_LEVEL[change.class],
              message: { text: `${change.class}: ${change.message}` },
              locations: location
                ? [
                    {
                      physicalLocation: {
                        artifactLocation: { uri: relativeFile(cwd, location.file) },
                        region: location.range
                          ? { startLine: location.range.start.line + 1, startColumn: location.range.start.character + 1, endLine: location.range.end.line + 1, endColumn: location.range.end.character + 1 }
                          : { startLine: 1 },
                      },
                    },
                  ]
                : [],
            };
          }),
        },
      ],
    },
    null,
    2,
  );
}

export function formatDiff(report: DiffReport, format: DiffFormat, cwd: string, toolVersion: string): string {
  switch (format) {
    case 'json':
      return formatDiffJson(report, cwd);
    case 'markdown':
      return formatDiffMarkdown(report, cwd);
    case 'sarif':
      return formatDiffSarif(report, cwd, toolVersion);
    case 'text':
      return formatDiffText(report, cwd);
  }
}
