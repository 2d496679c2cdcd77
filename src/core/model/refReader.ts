import { readFile } from 'node:fs/promises';
import type { RefReader } from './asyncapiParser';

export interface RefReaderOptions {
  /** Unsaved editor buffers by absolute path; they win over the file on disk. */
  overlays?: ReadonlyMap<string, string>;
  /** Fetch http(s) `$ref`s; off unless the user allows it. */
  remoteRefs?: boolean;
  remoteTimeoutMs?: number;
}

/** Reads a document's referenced files: buffers first, then disk; remote only when allowed, and never unbounded. */
export function createRefReader(options: RefReaderOptions = {}): RefReader {
  const timeoutMs = options.remoteTimeoutMs ?? 10_000;
  return {
    readFile: async (path) => options.overlays?.get(path) ?? (await readFile(path, 'utf8')),
    fetchRemote: options.remoteRefs
      ? async (url) => {
          const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
          if (!response.ok) throw new Error(`Remote $ref ${url} answered ${response.status} ${response.statusText}`);
          return response.text();
        }
      : undefined,
  };
}
