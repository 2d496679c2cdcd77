import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadDocument } from '../../../src/core/evolve/loader';
import type { FlowDocument } from '../../../src/core/flow/graph';
import { createRefReader } from '../../../src/core/model/refReader';

export const ROOT = path.resolve(__dirname, '../../..');
export const CORPUS = path.join(ROOT, 'test/fixtures/corpus');
export const EXAMPLE_FILES = ['orders', 'payments', 'inventory', 'notifications'].map((name) => path.join(ROOT, 'examples', name, 'asyncapi.yaml'));

const reader = createRefReader();

export async function flowDocument(file: string): Promise<FlowDocument> {
  const loaded = await loadDocument(await reader.readFile(file), file, reader);
  return { file, model: loaded.model, resolved: loaded.resolved, origins: loaded.origins };
}

/** A document from text, at a virtual path: no `$ref`s leave it. */
export async function flowText(text: string, name = 'asyncapi.yaml'): Promise<FlowDocument> {
  const file = path.join(ROOT, 'test/fixtures/virtual', name);
  const loaded = await loadDocument(text, file, reader);
  return { file, model: loaded.model, resolved: loaded.resolved, origins: loaded.origins };
}

/** Every AsyncAPI document of the corpus: top-level files and each social-media service. */
export function corpusFiles(version: 'v2.6' | 'v3'): string[] {
  const folder = path.join(CORPUS, version);
  const top = readdirSync(folder).filter((name) => name.endsWith('.yml')).map((name) => path.join(folder, name));
  return [...top, ...socialMediaFiles(version)];
}

export function socialMediaFiles(version: 'v2.6' | 'v3'): string[] {
  const folder = path.join(CORPUS, version, 'social-media');
  return readdirSync(folder)
    .map((name) => path.join(folder, name, 'asyncapi.yaml'))
    .filter((file) => statSync(file, { throwIfNoEntry: false })?.isFile() === true)
    .sort();
}
