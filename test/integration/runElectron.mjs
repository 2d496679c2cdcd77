// The same integration suite under @vscode/test-electron, for machines that can download desktop
// VS Code: runs on the `engines.vscode` minimum and on stable, each on a fresh copy of examples/.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ROOT } from '../vscode/codeServer.mjs';

const minimum = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines.vscode.replace(/^\^/, '');
const versions = process.argv.length > 2 ? process.argv.slice(2) : [minimum, 'stable'];

for (const version of versions) {
  const scratch = mkdtempSync(path.join(tmpdir(), 'eventscope-electron-'));
  const workspace = path.join(scratch, 'workspace');
  cpSync(path.join(ROOT, 'examples'), workspace, { recursive: true });
  try {
    console.log(`VS Code ${version}`);
    await runTests({
      version,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out/test/integration/electron.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(scratch, 'user-data')],
      extensionTestsEnv: { EVENTSCOPE_REPO: ROOT },
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
