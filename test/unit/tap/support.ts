import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadDocuments } from '../../../src/core/broker/documents';
import type { LoadedDocument } from '../../../src/core/broker/types';
import type { TapSession, TapStatus } from '../../../src/core/tap';
import type { TraceRecord } from '../../../src/core/trace/record';
import type { TraceStore } from '../../../src/core/trace/store';
import { ROOT } from '../helpers';

export const SHOP = path.join(ROOT, 'test/fixtures/tap/shop.yaml');

let shop: Promise<LoadedDocument[]> | undefined;
export function shopDocuments(): Promise<LoadedDocument[]> {
  shop ??= loadDocuments([SHOP]);
  return shop;
}

export async function tempDir(): Promise<{ dir: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'eventscope-tap-'));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Resolves once the trace's records satisfy `done`, checked as each record arrives. */
export function traced(trace: TraceStore, done: (records: TraceRecord[]) => boolean): Promise<TraceRecord[]> {
  return new Promise((resolve) => {
    if (done(trace.records())) return resolve(trace.records());
    const listener = trace.onRecord(() => {
      const records = trace.records();
      if (!done(records)) return;
      listener.dispose();
      resolve(records);
    });
  });
}

/** Resolves with the first status of the session that satisfies `done`. */
export function status(session: TapSession, done: (status: TapStatus) => boolean): Promise<TapStatus> {
  return new Promise((resolve) => {
    if (done(session.current)) return resolve(session.current);
    const listener = session.onStatus((current) => {
      if (!done(current)) return;
      listener.dispose();
      resolve(current);
    });
  });
}

export const order = (index: number): { orderId: string; total: number } => ({ orderId: `ORD-${index}`, total: index });
/** Breaks the contract twice: a total that is a string, and an extra property. */
export const INVALID_ORDER = { orderId: 'ORD-999', total: 'lots', coupon: 'X' };
