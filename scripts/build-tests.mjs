// Bundles the integration suite (vscode external, mocha globals) and the code-server test runner
// extension, and packages that runner as a .vsix.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'out/test');
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'mocha'], sourcemap: 'inline', logLevel: 'warning' };

const suiteDir = path.join(root, 'test/integration/suite');
const suiteFiles = readdirSync(suiteDir).filter((name) => name.endsWith('.test.ts')).sort();
await build({
  ...common,
  stdin: { contents: suiteFiles.map((name) => `import './${name}';`).join('\n'), resolveDir: suiteDir, loader: 'ts' },
  outfile: path.join(out, 'integration/suite.js'),
});
await build({ ...common, entryPoints: [path.join(root, 'test/integration/electron.ts')], outfile: path.join(out, 'integration/electron.js') });

const runner = path.join(out, 'runner');
mkdirSync(runner, { recursive: true });
await build({ ...common, entryPoints: [path.join(root, 'test/integration/runner/extension.ts')], outfile: path.join(runner, 'extension.js') });
copyFileSync(path.join(root, 'test/integration/runner/package.json'), path.join(runner, 'package.json'));
copyFileSync(path.join(root, 'LICENSE'), path.join(runner, 'LICENSE'));
execFileSync(process.execPath, [path.join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--out', path.join(out, 'integration-runner.vsix')], { cwd: runner, stdio: 'pipe' });
console.log(`built ${suiteFiles.length} integration suite file(s) and the runner extension`);
