import { parentPort } from 'node:worker_threads';
import { answerNavQuery, NavTexts } from '../nav/service';
import type { NavRequest, NavResponse } from './navProtocol';

/**
 * Outline, code lenses, hovers, completion and navigation off the extension host's main thread:
 * on a large document each parse takes seconds, and the editor asks for the outline and lenses
 * after every edit. Queries run one at a time; a queued query is dropped when a newer one of the
 * same kind for the same file arrives.
 */
const port = parentPort;
if (!port) throw new Error('navWorker must run in a worker thread');

const texts = new NavTexts();
const queue: Extract<NavRequest, { type: 'query' }>[] = [];
let scheduled = false;

port.on('message', (request: NavRequest) => {
  if (request.type === 'forget') {
    texts.forget(request.file);
    return;
  }
  const stale = queue.findIndex((queued) => queued.file === request.file && queued.query.op === request.query.op);
  if (stale !== -1) {
    const [dropped] = queue.splice(stale, 1);
    if (dropped) reply({ id: dropped.id, ok: false, superseded: true });
  }
  queue.push(request);
  if (!scheduled) {
    scheduled = true;
    // Yield to the message loop first, so queries that arrive together can supersede each other.
    setImmediate(drain);
  }
});

function reply(response: NavResponse): void {
  port?.postMessage(response);
}

function drain(): void {
  const request = queue.shift();
  if (!request) {
    scheduled = false;
    return;
  }
  try {
    const overlays = texts.update(request.texts);
    reply({ id: request.id, ok: true, result: answerNavQuery(request.file, request.query, overlays) });
  } catch (error) {
    reply({ id: request.id, ok: false, error: (error as Error).stack ?? String(error) });
  }
  setImmediate(drain);
}
