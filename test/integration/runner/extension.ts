import { writeFileSync } from 'node:fs';
import type * as vscode from 'vscode';
import { runSuite } from '../mochaRunner';

/**
 * A test-only extension for code-server, which has no --extensionTestsPath: installed next to
 * Eventscope, it runs the integration suite in the same extension host and writes the results
 * where the harness (test/integration/run.mjs) waits for them.
 */
export function activate(_context: vscode.ExtensionContext): void {
  const { EVENTSCOPE_TEST_SUITE: suite, EVENTSCOPE_TEST_RESULTS: results, EVENTSCOPE_REPO: repo } = process.env;
  if (!suite || !results || !repo) return;
  runSuite(suite, repo).then(
    (outcome) => writeFileSync(results, JSON.stringify(outcome)),
    (error: unknown) => writeFileSync(results, JSON.stringify({ passed: 0, failed: 1, tests: [{ title: 'runner', state: 'failed', durationMs: 0, error: String(error) }] })),
  );
}
