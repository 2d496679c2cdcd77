import path from 'node:path';
import { SEVERITY_RANK, type Finding, type Severity } from '../../shared/findings';
import { DESIGN_RULES } from './ruleCatalog';

export interface FileReport {
  file: string;
  valid: boolean;
  diagnostics: Finding[];
}

export type FailOn = 'error' | 'warning' | 'never';

/** Groups findings by the file they point into (a root's findings may land in a shared file), each once. */
export function groupByFile(roots: string[], findings: Finding[]): FileReport[] {
  const byFile = new Map<string, Map<string, Finding>>(roots.map((file) => [file, new Map()]));
  for (const finding of findings) {
    let bucket = byFile.get(finding.file);
    if (!bucket) byFile.set(finding.file, (bucket = new Map<string, Finding>()));
    const key = `${finding.code}|${finding.range.start.line}:${finding.range.start.character}|${finding.message}`;
    if (!bucket.has(key)) bucket.set(key, finding);
  }
  return [...byFile].map(([file, bucket]) => {
    const diagnostics = [...bucket.values()].sort(
      (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
    );
    return { file, valid: !diagnostics.some((finding) => finding.severity === 'error'), diagnostics };
  });
}

export function reachesFailLevel(reports: FileReport[], failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  const threshold = SEVERITY_RANK[failOn];
  return reports.some((report) => report.diagnostics.some((finding) => SEVERITY_RANK[finding.severity] <= threshold));
}

export function formatText(reports: FileReport[], cwd: string): string {
  const lines: string[] = [];
  let counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const report of reports) {
    for (const finding of report.diagnostics) {
      counts = { ...counts, [finding.severity]: counts[finding.severity] + 1 };
      const where = `${path.relative(cwd, report.file) || report.file}:${finding.range.start.line + 1}:${finding.range.start.character + 1}`;
      lines.push(`${where} ${finding.severity} ${finding.code} ${finding.message}`);
    }
  }
  lines.push(`${reports.length} file${reports.length === 1 ? '' : 's'}: ${counts.error} errors, ${counts.warning} warnings, ${counts.info} infos, ${counts.hint} hints`);
  return lines.join('\n');
}

export function formatJson(reports: FileReport[]): string {
  return JSON.stringify({
    files: reports.map((report) => ({
      file: report.file,
      valid: report.valid,
      diagnostics: report.diagnostics.map(({ severity, code, message, range, path: pointer }) => ({ severity, code, message, range, path: pointer })),
    })),
  });
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** SARIF 2.1.0, for code-scanning upload; URIs relative to `cwd` so they match the repository. */
export function formatSarif(reports: FileReport[], cwd: string, toolVersion: string): string {
  const ruleIds = [...new Set(reports.flatMap((report) => report.diagnostics.map((finding) => finding.code)))].sort();
  const descriptions = new Map<string, string>(DESIGN_RULES.map((rule) => [rule.code, rule.description]));
  return JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'eventscope',
              version: toolVersion,
              informationUri: 'https://github.com/eventscope/eventscope',
              rules: ruleIds.map((id) => ({ id, shortDescription: { text: descriptions.get(id) ?? `AsyncAPI rule ${id}` } })),
            },
          },
          results: reports.flatMap((report) =>
            report.diagnostics.map((finding) => ({
              ruleId: finding.code,
              ruleIndex: ruleIds.indexOf(finding.code),
              level: SARIF_LEVEL[finding.severity],
              message: { text: finding.message },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: path.relative(cwd, report.file).split(path.sep).join('/') },
                    region: {
                      startLine: finding.range.start.line + 1,
                      startColumn: finding.range.start.character + 1,
                      endLine: finding.range.end.line + 1,
                      endColumn: finding.range.end.character + 1,
                    },
                  },
                },
              ],
            })),
          ),
        },
      ],
    },
    null,
    2,
  );
}
