import { Worker } from 'node:worker_threads';
import { SupersededError } from './validationClient';
import type { NavQuery, NavRequest, NavResponse, NavResults, NavText } from './navProtocol';

/** An open buffer as the client sees it; `getText` is called only when the worker lacks this version. */
export interface NavBuffer {
  file: string;
  version: number;
  getText(): string;
}

/** Talks to the navigation worker; starts it on first use and again if it dies. */
export class NavClient {
  private worker: Worker | undefined;
  private nextId = 1;
  /** The version of each buffer the worker holds, so a large text crosses the thread boundary once per version. */
  private readonly held = new Map<string, number>();
  private readonly pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void }>();

  constructor(private readonly workerScript: string) {}

  /** `buffers`: the queried document first, then the other buffers that differ from disk. */
  query<Q extends NavQuery>(buffers: readonly NavBuffer[], query: Q): Promise<NavResults[Q['op']]> {
    const [target] = buffers;
    if (!target) throw new Error('a navigation query needs its document');
    const worker = this.ensureWorker();
    const texts: NavText[] = buffers.map((buffer) => {
      if (this.held.get(buffer.file) === buffer.version) return { file: buffer.file, version: buffer.version };
      this.held.set(buffer.file, buffer.version);
      return { file: buffer.file, version: buffer.version, text: buffer.getText() };
    });
    const request: NavRequest = { type: 'query', id: this.nextId++, file: target.file, texts, query };
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      worker.postMessage(request);
    });
  }

  /** A closed buffer: the worker drops its text and reads the file from disk again. */
  forget(file: string): void {
    if (!this.held.delete(file)) return;
    this.worker?.postMessage({ type: 'forget', file } satisfies NavRequest);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerScript);
    worker.unref();
    worker.on('message', (response: NavResponse) => {
      const waiter = this.pending.get(response.id);
      if (!waiter) return;
      this.pending.delete(response.id);
      if (response.ok) waiter.resolve(response.result);
      else if ('superseded' in response) waiter.reject(new SupersededError());
      else waiter.reject(new Error(response.error));
    });
    const fail = (error: Error): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.held.clear();
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`navigation worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.held.clear();
    await worker?.terminate();
  }
}
