import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Logger } from '../logger';
import type { RefReader } from '../model/asyncapiParser';
import { createRefReader } from '../model/refReader';
import { validateDocument } from '../validate/validator';
import type { LoadedDocument } from './types';

/**
 * Reads and parses documents for the broker. A document's version is a hash of its model, so an edit
 * that changes no channel or schema keeps its compiled validators.
 */
export async function loadDocuments(files: readonly string[], options: { reader?: RefReader; logger?: Logger } = {}): Promise<LoadedDocument[]> {
  const reader = options.reader ?? createRefReader();
  const loaded: LoadedDocument[] = [];
  for (const file of files) {
    const text = await reader.readFile(file).catch(() => readFile(file, 'utf8'));
    const { model, findings } = await validateDocument(text, file, reader);
    if (!model) {
      const errors = findings.filter((finding) => finding.severity === 'error').length;
      options.logger?.warn(`${file}: not an AsyncAPI 2.x/3.x document the broker can use (${errors} errors)`);
      continue;
    }
    loaded.push({ file, model, version: createHash('sha256').update(JSON.stringify(model)).digest('hex').slice(0, 16) });
  }
  return loaded;
}
