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
type Query = Extract<NavRequest, { type: 'query' }>;
/** Each query with the buffers it reads, taken in on arrival: the client sends a version's text once. */
const queue: { request: Query; overlays?: Map<string, string>; error?: Error }[] = [];
let scheduled = false;

port.on('message', (request: NavRequest) => {
  if (request.type === 'forget') {
    texts.forget(request.file);
    return;
  }
  const stale = queue.findIndex((queued) => queued.request.file === request.file && queued.request.query.op === request.query.op);
  if (stale !== -1) {
    const [dropped] = queue.splice(stale, 1);
    if (dropped) reply({ id: dropped.request.id, ok: false, superseded: true });
  }
  try {
    queue.push({ request, overlays: texts.update(request.texts) });
  } catch (error) {
    queue.push({ request, error: error as Error });
  }
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
  const next = queue.shift();
  if (!next) {
    scheduled = false;
    return;
  }
  const { request, overlays, error } = next;
  try {
    if (error || !overlays) throw error ?? new Error('no buffers');
    reply({ id: request.id, ok: true, result: answerNavQuery(request.file, request.query, overlays) });
  } catch (failure) {
    reply({ id: request.id, ok: false, error: (failure as Error).stack ?? String(failure) });
  }
  setImmediate(drain);
}
