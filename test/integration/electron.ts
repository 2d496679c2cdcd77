import { runSuite } from './mochaRunner';

/** Entry point for @vscode/test-electron's extensionTestsPath (machines that can download VS Code). */
export async function run(): Promise<void> {
  const outcome = await runSuite(`${__dirname}/suite.js`, process.env.EVENTSCOPE_REPO ?? `${__dirname}/../../..`);
  if (outcome.failed > 0) throw new Error(`${outcome.failed} integration test(s) failed`);
}
