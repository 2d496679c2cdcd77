import { readFile } from 'node:fs/promises';
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
