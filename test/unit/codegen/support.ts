import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
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

/** Type-checks `files` (default: every .ts file in `dir`) under `tsc --strict`; tsc's report, empty when clean. */
export async function strictTypeErrors(dir: string, files?: string[]): Promise<string> {
  await writeFile(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'Node16', moduleResolution: 'Node16', skipLibCheck: true, types: ['node'], lib: ['ES2022', 'DOM'] },
      ...(files ? { files } : { include: ['**/*.ts'], exclude: ['node_modules'] }),
    }),
  );
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  return promisify(execFile)(process.execPath, [tsc, '-p', dir], { maxBuffer: 1 << 24 }).then(
    () => '',
    (error: { stdout: string }) => error.stdout,
  );
}
