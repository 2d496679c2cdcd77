import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RefReader } from '../model/asyncapiParser';

const run = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export async function repositoryRoot(file: string): Promise<string> {
  return (await git(path.dirname(file), ['rev-parse', '--show-toplevel'])).trim();
}

/** Reads files as they were at `revision`, so a multi-file document's `$ref`s resolve in the same revision. */
export function gitRevisionReader(root: string, revision: string): RefReader {
  return {
    readFile: (file) => {
      const relative = path.relative(root, file).split(path.sep).join('/');
      return git(root, ['show', `${revision}:${relative}`]);
    },
  };
}

/** The commits that changed `file`, oldest first: the history a transitive mode checks against. */
export async function fileHistory(root: string, file: string, revision = 'HEAD'): Promise<string[]> {
  const relative = path.relative(root, file).split(path.sep).join('/');
  const out = await git(root, ['log', '--format=%H', revision, '--', relative]);
  return out.split('\n').filter(Boolean).reverse();
}
