import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { createRefReader } from '../model/refReader';
import { findSpectralConfig } from '../validate/spectralConfig';
import { validateDocument } from '../validate/validator';
import type { ValidateRequest, ValidateResponse } from './protocol';

/**
 * Validation off the extension host's main thread: parsing a large document takes tens of
 * milliseconds or more, which would stall typing. Requests run one at a time (the warm parser
 * state is shared), and a queued request is dropped when a newer one for the same file arrives.
 */
const port = parentPort;
if (!port) throw new Error('validationWorker must run in a worker thread');

const queue: ValidateRequest[] = [];
let running = false;

port.on('message', (request: ValidateRequest) => {
  const stale = queue.findIndex((queued) => queued.file === request.file);
  if (stale !== -1) {
    const [dropped] = queue.splice(stale, 1);
    if (dropped) reply({ id: dropped.id, ok: false, superseded: true });
  }
  queue.push(request);
  void drain();
});

function reply(response: ValidateResponse): void {
  port?.postMessage(response);
}

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (let request = queue.shift(); request; request = queue.shift()) {
      try {
        const reader = createRefReader({ overlays: new Map(request.overlays), remoteRefs: request.remoteRefs });
        const spectral = await findSpectralConfig(path.dirname(request.file), request.projectRoot ?? path.dirname(request.file));
        const result = await validateDocument(request.text, request.file, reader, { ...request.options, spectral: spectral?.config });
        reply({ id: request.id, ok: true, result });
      } catch (error) {
        reply({ id: request.id, ok: false, error: (error as Error).stack ?? String(error) });
      }
    }
  } finally {
    running = false;
  }
}
