import { createRequire } from 'node:module';
import path from 'node:path';
import type MochaType from 'mocha';

export interface SuiteResult {
  passed: number;
  failed: number;
  tests: { title: string; state: 'passed' | 'failed'; durationMs: number; error?: string }[];
}

/**
 * Runs the compiled suite with mocha inside the extension host. Mocha is loaded from the
 * repository (`repoRoot`), since the runner may be installed far from its node_modules.
 */
export function runSuite(suiteFile: string, repoRoot: string): Promise<SuiteResult> {
  const Mocha = createRequire(path.join(repoRoot, 'package.json'))('mocha') as typeof MochaType;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, reporter: 'spec' });
  mocha.addFile(suiteFile);
  const result: SuiteResult = { passed: 0, failed: 0, tests: [] };
  return new Promise((resolve) => {
    const runner = mocha.run(() => resolve(result));
    runner.on('pass', (test) => {
      result.passed++;
      result.tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 });
    });
    runner.on('fail', (test, error: Error) => {
      result.failed++;
      result.tests.push({ title: test.fullTitle(), state: 'failed', durationMs: test.duration ?? 0, error: error.stack ?? error.message });
    });
  });
}
