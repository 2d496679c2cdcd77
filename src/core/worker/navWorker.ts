import { parentPort } from 'node:worker_threads';
import { answerNavQuery, NavTexts } from '../nav/service';
import type { NavRequest, NavResponse } from './navProtocol';

/**
 * Outline, code lenses, hovers, completion and navigation off the extension host's main thread:
 * on a large document each parse takes seconds, and the editor asks for the outline and lenses
 * after every edit. Queries run one at a time; a queued query is dropped when a newer one of the
 * same kind for the same file arrives, and answered with it when the two ask the same of the same versions.
 */
const port = parentPort;
if (!port) throw new Error('navWorker must run in a worker thread');

const texts = new NavTexts();
type Query = Extract<NavRequest, { type: 'query' }>;
/**
 * Each query with the buffers it reads, taken in on arrival (the client sends a version's text once), and
 * the ids of the requests its answer goes to: its own and those of the identical queries it replaced.
 */
const queue: { request: Query; ids: number[]; overlays?: Map<string, string>; error?: Error }[] = [];

/** The outline of one version asked for twice (the breadcrumbs and a command, say) has one answer for both. */
const sameQuestion = (a: Query, b: Query): boolean =>
  JSON.stringify(a.query) === JSON.stringify(b.query) &&
  a.texts.length === b.texts.length &&
  a.texts.every((text, index) => text.file === b.texts[index]?.file && text.version === b.texts[index]?.version);
let scheduled = false;

port.on('message', (request: NavRequest) => {
  if (request.type === 'forget') {
    texts.forget(request.file);
    return;
  }
  const ids = [request.id];
  const stale = queue.findIndex((queued) => queued.request.file === request.file && queued.request.query.op === request.query.op);
  if (stale !== -1) {
    const [dropped] = queue.splice(stale, 1);
    if (dropped && sameQuestion(dropped.request, request)) ids.unshift(...dropped.ids);
    else for (const id of dropped?.ids ?? []) reply({ id, ok: false, superseded: true });
  }
  try {
    queue.push({ request, ids, overlays: texts.update(request.texts) });
  } catch (error) {
    queue.push({ request, ids, error: error as Error });
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
  const { request, ids, overlays, error } = next;
  try {
    if (error || !overlays) throw error ?? new Error('no buffers');
    const result = answerNavQuery(request.file, request.query, overlays);
    for (const id of ids) reply({ id, ok: true, result });
  } catch (failure) {
    for (const id of ids) reply({ id, ok: false, error: (failure as Error).stack ?? String(failure) });
  }
  setImmediate(drain);
}
