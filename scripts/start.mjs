// `npm start`: Eventscope in a real VS Code on examples/. Desktop VS Code (`code` on PATH) gets the
// extension in development mode; otherwise code-server (installed offline by setup.sh) serves it
// on loopback with the freshly packaged .vsix, until Ctrl+C.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, startCodeServer } from '../test/vscode/codeServer.mjs';

const examples = path.join(ROOT, 'examples');
const run = (command, args) => execFileSync(command, args, { cwd: ROOT, stdio: 'inherit' });

if (!existsSync(path.join(ROOT, 'node_modules/.package-lock.json'))) run('npm', ['ci', '--no-audit', '--no-fund']);

const hasDesktopCode = spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasDesktopCode) {
  run(process.execPath, ['scripts/build.mjs']);
  spawn('code', [`--extensionDevelopmentPath=${ROOT}`, examples], { stdio: 'inherit', detached: true }).unref();
} else {
  run('bash', ['scripts/code-server/setup.sh']);
  run('npm', ['run', 'package']);
  const server = await startCodeServer({ extensions: [path.join(ROOT, 'eventscope.vsix')], workspace: examples });
  console.log(`Eventscope in code-server: ${server.url}\nCtrl+C stops it.`);
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
