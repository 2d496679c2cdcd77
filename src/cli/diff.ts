import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findDiffConfig } from '../core/evolve/config';
import { compatibilityProblem, diffTransitive, isMode, type DiffOptions, type DiffReport } from '../core/evolve/documentDiff';
import { documentHistory, gitRevisionReader, repositoryRoot } from '../core/evolve/git';
import { loadDocument, type LoadedDocument } from '../core/evolve/loader';
import { formatDiff, type DiffFormat } from '../core/evolve/report';
import type { RefReader } from '../core/model/asyncapiParser';
import { createRefReader } from '../core/model/refReader';
import semver from 'semver';
import { UsageError } from './usage';

export const DIFF_USAGE = `  diff <old> <new>     Report breaking changes between two versions of a document
  diff --git <rev> <file>   ... between <file> at a git revision and the working copy
    --mode role|backward|forward|full|backward-transitive|forward-transitive|full-transitive|none
                                    compatibility mode (default: the document's x-eventscope-compatibility, then .eventscope.yaml, then role)
    --format text|json|markdown|sarif   output format (default text)
    --fail-on breaking|never        exit 1 when a breaking change exists (default breaking)
    <old> may be a folder of earlier versions, which the -transitive modes check one by one.`;

/** A file that cannot be read or is no AsyncAPI document: exit code 2. */
export class InputError extends Error {}

async function load(file: string, reader: RefReader, label = file): Promise<LoadedDocument> {
  let text: string;
  try {
    text = await reader.readFile(file);
  } catch (error) {
    throw new InputError(`cannot read ${label}: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  try {
    return await loadDocument(text, file, reader);
  } catch (error) {
    throw new InputError(`${label}: ${(error as Error).message}`);
  }
}

/** Earlier versions from a folder, ordered by their `info.version`. */
async function loadFolder(folder: string, reader: RefReader): Promise<LoadedDocument[]> {
  const names = (await readdir(folder)).filter((name) => /\.(ya?ml|json)$/i.test(name)).sort();
  const documents = await Promise.all(names.map((name) => load(path.join(folder, name), reader)));
  const versionOf = (doc: LoadedDocument): string => semver.valid(semver.coerce(doc.model.version)) ?? '0.0.0';
  return documents.sort((a, b) => semver.compare(versionOf(a), versionOf(b)));
}

export async function diffCommand(args: string[], toolVersion: string): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      mode: { type: 'string' },
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'breaking' },
      git: { type: 'string' },
    },
  });
  const format = values.format as DiffFormat;
  if (!['text', 'json', 'markdown', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json, markdown or sarif, not "${format}"`);
  if (!['breaking', 'never'].includes(values['fail-on'])) throw new UsageError(`--fail-on must be breaking or never, not "${values['fail-on']}"`);
  if (values.mode !== undefined && !isMode(values.mode)) throw new UsageError(`--mode "${values.mode}" is not a compatibility mode`);
  const expected = values.git === undefined ? 2 : 1;
  if (positionals.length !== expected) throw new UsageError(values.git === undefined ? 'diff needs <old> and <new>' : 'diff --git <rev> needs exactly one <file>');

  const cwd = process.cwd();
  const newFile = path.resolve(cwd, positionals[expected - 1] as string);
  const config = (await findDiffConfig(path.dirname(newFile), cwd)) ?? (await findDiffConfig(cwd, cwd));
  // A misspelt rule or mode would silently not apply: refuse to run on it.
  if (config && config.problems.length > 0) throw new InputError(config.problems.map((problem) => `${config.file}: ${problem}`).join('\n'));
  const options: DiffOptions = { mode: values.mode, defaultMode: config?.mode, rules: config?.rules, ignore: config?.ignore };
  const disk = createRefReader();
  const latest = await load(newFile, disk);
  // An invalid mode would silently fall back to another: refuse it.
  const modeProblem = compatibilityProblem(latest);
  if (modeProblem) throw new InputError(`${path.relative(cwd, newFile) || newFile}: ${modeProblem}`);
  const transitive = (values.mode ?? config?.mode ?? '').endsWith('-transitive') || (isMode(latest.resolved['x-eventscope-compatibility']) && String(latest.resolved['x-eventscope-compatibility']).endsWith('-transitive'));

  let history: LoadedDocument[];
  if (values.git !== undefined) {
    const revision = values.git;
    let root: string;
    try {
      root = await repositoryRoot(newFile);
    } catch (error) {
      throw new InputError(`${newFile} is not in a git repository: ${(error as Error).message.split('\n')[0] ?? ''}`);
    }
    const loadAt = (commit: string): Promise<LoadedDocument> => load(newFile, gitRevisionReader(root, commit), `${commit}:${path.relative(root, newFile)}`);
    history = transitive ? await documentHistory(root, newFile, revision, loadAt, latest.texts.keys()).catch(async (error: unknown) => {
      if (error instanceof InputError) throw error;
      return [await loadAt(revision)];
    }) : [await loadAt(revision)];
  } else {
    const oldPath = path.resolve(cwd, positionals[0] as string);
    const isFolder = await stat(oldPath).then((info) => info.isDirectory(), () => false);
    history = isFolder ? await loadFolder(oldPath, disk) : [await load(oldPath, disk)];
    if (history.length === 0) throw new InputError(`${oldPath} holds no YAML or JSON document`);
  }
  const report: DiffReport = diffTransitive(history, latest, options);
  process.stdout.write(`${formatDiff(report, format, cwd, toolVersion)}\n`);
  return values['fail-on'] === 'breaking' && report.summary.breaking > 0 ? 1 : 0;
}
