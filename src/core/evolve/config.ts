import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { closest } from 'fastest-levenshtein';
import { parse } from 'yaml';
import { isMode, MODES, type ChangeClass, type CompatibilityMode, type DiffConfig } from './documentDiff';
import { DIFF_RULES, isRuleCategory, isRuleId, RULE_CATEGORIES } from './rules';

export interface ProjectDiffConfig extends DiffConfig {
  mode?: CompatibilityMode;
  file: string;
  problems: string[];
}

const CLASSES: (ChangeClass | 'off')[] = ['breaking', 'non-breaking', 'unclassified', 'off'];
const RULE_NAMES = [...Object.keys(DIFF_RULES), ...RULE_CATEGORIES];

/** Why `name` is neither a rule nor a category, naming the closest one; undefined when it is one. */
function unknownRule(name: string, where: string): string | undefined {
  if (isRuleId(name) || isRuleCategory(name)) return undefined;
  return `${where}: "${name}" is neither a rule nor a category (did you mean "${closest(name, RULE_NAMES)}"?)`;
}

/**
 * Reads the `diff` section of the nearest `.eventscope.yaml` between `dir` and `stopAt`. Each call returns
 * a fresh object: one project's overrides never leak into another document or a later run.
 */
export async function findDiffConfig(dir: string, stopAt: string): Promise<ProjectDiffConfig | undefined> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const file = path.join(current, '.eventscope.yaml');
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) return parseDiffConfig(text, file);
    if (current === path.resolve(stopAt) || current === path.dirname(current)) return undefined;
  }
}

export function parseDiffConfig(text: string, file: string): ProjectDiffConfig {
  const problems: string[] = [];
  const root = parse(text) as unknown;
  const section = typeof root === 'object' && root !== null ? (root as Record<string, unknown>).diff : undefined;
  const config: ProjectDiffConfig = { file, problems };
  if (typeof section !== 'object' || section === null) return config;
  const { mode, rules, ignore } = section as Record<string, unknown>;
  if (mode !== undefined) {
    if (isMode(mode)) config.mode = mode;
    else problems.push(`diff.mode ${JSON.stringify(mode)} is not a mode; use one of ${MODES.join(', ')}`);
  }
  if (typeof rules === 'object' && rules !== null) {
    config.rules = {};
    for (const [rule, setting] of Object.entries(rules)) {
      const unknown = unknownRule(rule, `diff.rules.${rule}`);
      if (unknown) problems.push(unknown);
      else if (CLASSES.includes(setting as ChangeClass)) config.rules[rule] = setting as ChangeClass | 'off';
      else problems.push(`diff.rules.${rule}: "${String(setting)}" is not one of ${CLASSES.join(', ')}`);
    }
  }
  if (Array.isArray(ignore)) {
    config.ignore = ignore.flatMap((entry: unknown) => {
      if (typeof entry === 'string') return [{ path: entry }];
      if (typeof entry === 'object' && entry !== null && typeof (entry as { path?: unknown }).path === 'string') {
        const { path: pointer, rule } = entry as { path: string; rule?: unknown };
        const unknown = typeof rule === 'string' ? unknownRule(rule, `diff.ignore ${pointer}`) : undefined;
        if (unknown) {
          problems.push(unknown);
          return [];
        }
        return [{ path: pointer, rule: typeof rule === 'string' ? rule : undefined }];
      }
      problems.push(`diff.ignore: ${JSON.stringify(entry)} needs a "path"`);
      return [];
    });
  }
  return config;
}
