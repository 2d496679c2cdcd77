import { mkdtemp, rm, symlink } from 'node:fs/promises';
import net from 'node:net';
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

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
