import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TransportKind } from '../../../src/core/codegen/adapterSources';
import { generateFromFile } from '../../../src/core/codegen/generate';
import { createRefReader } from '../../../src/core/model/refReader';
import { ROOT } from '../helpers';

/** A temp folder whose node_modules is the repository's, so generated code resolves mqtt, ajv and the rest. */
export async function workspace(): Promise<{ dir: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'eventscope-codegen-'));
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

export async function generateInto(document: string, outDir: string, transport?: TransportKind): Promise<Awaited<ReturnType<typeof generateFromFile>>> {
  return generateFromFile(document, outDir, createRefReader(), { transport });
}
