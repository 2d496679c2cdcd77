import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RefReader } from '../model/asyncapiParser';
import type { LoadedDocument } from './loader';

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

const relativeTo = (root: string, file: string): string => path.relative(root, file).split(path.sep).join('/');

/** The commits reachable from `revision` that changed any of `files`, oldest first. */
async function commitsTouching(root: string, files: Iterable<string>, revision: string): Promise<string[]> {
  // A `$ref` outside the repository has no history in it.
  const inside = [...files].map((file) => relativeTo(root, file)).filter((relative) => !relative.startsWith('../'));
  const out = await git(root, ['log', '--format=%H', revision, '--', ...inside]);
  return out.split('\n').filter(Boolean).reverse();
}

/**
 * The versions of a document a transitive mode checks against, oldest first, ending with `revision`
 * itself: every commit that changed any file the document loads (its `$ref`'d files too, which a
 * history of the root file alone misses). Files loaded by older versions join the search until no
 * new file turns up.
 */
export async function documentHistory(root: string, file: string, revision: string, loadAt: (commit: string) => Promise<LoadedDocument>, knownFiles: Iterable<string> = []): Promise<LoadedDocument[]> {
  const tip = (await git(root, ['rev-parse', '--verify', `${revision}^{commit}`])).trim();
  const loaded = new Map<string, LoadedDocument>([[tip, await loadAt(tip)]]);
  const files = new Set([file, ...knownFiles, ...(loaded.get(tip)?.texts.keys() ?? [])]);
  let commits: string[] = [];
  for (let searched = 0; searched !== files.size; ) {
    searched = files.size;
    commits = await commitsTouching(root, files, tip);
    for (const commit of commits) {
      if (loaded.has(commit)) continue;
      // A commit where the document does not exist yet (or does not parse) is no earlier version of it.
      const document = await loadAt(commit).catch(() => undefined);
      if (!document) continue;
      loaded.set(commit, document);
      for (const name of document.texts.keys()) files.add(name);
    }
  }
  const order = [...commits.filter((commit) => commit !== tip), tip];
  return order.flatMap((commit) => loaded.get(commit) ?? []);
}
