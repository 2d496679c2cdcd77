import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRefReader } from '../../src/core/model/refReader';
import { validateDocument, type DocumentValidation, type ValidationOptions } from '../../src/core/validate/validator';

export const ROOT = path.resolve(__dirname, '../..');
export const CORPUS = path.join(ROOT, 'test/fixtures/corpus');
export const EXAMPLES = path.join(ROOT, 'examples');

/** Validates a file from disk, or `text` as if it were that file. */
export async function validateFile(file: string, text?: string, options: ValidationOptions = {}): Promise<DocumentValidation> {
  return validateDocument(text ?? (await readFile(file, 'utf8')), file, createRefReader(), options);
}

/** Validates an in-memory document at a virtual path in a temp-free way: referenced files come from `files`. */
export async function validateText(text: string, files: Record<string, string> = {}, options: ValidationOptions = {}): Promise<DocumentValidation> {
  const base = path.join(ROOT, 'test/fixtures/virtual');
  const overlays = new Map(Object.entries(files).map(([name, content]) => [path.join(base, name), content]));
  return validateDocument(text, path.join(base, 'asyncapi.yaml'), createRefReader({ overlays }), options);
}

export function codes(result: DocumentValidation): string[] {
  return result.findings.map((finding) => finding.code);
}

/** A worker as the bundle the extension ships, built from `entry` (relative to the repository) into a temp folder. */
export async function buildWorkerBundle(entry: string): Promise<string> {
  const outfile = path.join(mkdtempSync(path.join(tmpdir(), 'eventscope-worker-')), `${path.basename(entry, '.ts')}.js`);
  await build({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'error',
    // As in scripts/build.mjs: jsonc-parser's UMD build requires its own files at run time.
    alias: { 'jsonc-parser': path.join(ROOT, 'node_modules/jsonc-parser/lib/esm/main.js') },
  });
  return outfile;
}
