import * as functions from '@stoplight/spectral-functions';
import { parse as parseYaml } from 'yaml';

export interface SpectralConfig {
  /** Ruleset fragment merged over the AsyncAPI rulesets: severity overrides and custom rules. */
  ruleset: { rules: Record<string, unknown> };
  /** What in the file could not be honored, said once to the user. */
  problems: string[];
}

const SEVERITIES = new Set(['error', 'warn', 'info', 'hint', 'off']);
const FUNCTIONS = functions as unknown as Record<string, unknown>;

/**
 * Reads a project `.spectral.yaml`: severity overrides of the AsyncAPI rules (`rule: off|error|warn|info|hint`)
 * and custom rules over Spectral's core functions (truthy, pattern, schema, …). `extends` of the AsyncAPI
 * ruleset is implied; custom JavaScript functions are not loaded (that would run workspace code).
 */
export function readSpectralConfig(text: string): SpectralConfig {
  const problems: string[] = [];
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    return { ruleset: { rules: {} }, problems: [`.spectral.yaml does not parse: ${(error as Error).message}`] };
  }
  const rules: Record<string, unknown> = {};
  const source = (typeof data === 'object' && data !== null ? (data as Record<string, unknown>).rules : undefined) ?? {};
  for (const [name, definition] of Object.entries(source as Record<string, unknown>)) {
    if (typeof definition === 'string' || typeof definition === 'boolean') {
      const severity = definition === false ? 'off' : definition === true ? undefined : definition;
      if (severity !== undefined && !SEVERITIES.has(severity)) {
        problems.push(`Rule "${name}": unknown severity "${severity}".`);
        continue;
      }
      if (severity !== undefined) rules[name] = severity;
      continue;
    }
    if (typeof definition !== 'object' || definition === null) continue;
    const rule = { ...(definition as Record<string, unknown>) };
    const thens = Array.isArray(rule.then) ? rule.then : [rule.then];
    const resolvedThens: unknown[] = [];
    for (const then of thens) {
      const fnName = (then as { function?: unknown } | undefined)?.function;
      const fn = typeof fnName === 'string' ? FUNCTIONS[fnName] : undefined;
      if (typeof fn !== 'function') {
        problems.push(`Rule "${name}": function "${String(fnName)}" is not one of Spectral's core functions.`);
        continue;
      }
      resolvedThens.push({ ...(then as object), function: fn });
    }
    if (resolvedThens.length === 0) continue;
    rules[name] = { severity: 'warn', ...rule, then: resolvedThens };
  }
  return { ruleset: { rules }, problems };
}

const CONFIG_NAMES = ['.spectral.yaml', '.spectral.yml', '.spectral.json'];

/** The nearest Spectral config from `directory` up to `root` (inclusive), as Spectral's CLI looks for it. */
export async function findSpectralConfig(directory: string, root: string): Promise<{ path: string; config: SpectralConfig } | undefined> {
  const { readFile } = await import('node:fs/promises');
  const path = await import('node:path');
  for (let current = path.resolve(directory); ; current = path.dirname(current)) {
    for (const name of CONFIG_NAMES) {
      const candidate = path.join(current, name);
      const text = await readFile(candidate, 'utf8').catch(() => undefined);
      if (text !== undefined) return { path: candidate, config: readSpectralConfig(text) };
    }
    if (current === path.resolve(root) || path.dirname(current) === current) return undefined;
  }
}
