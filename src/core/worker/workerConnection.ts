import { Worker } from 'node:worker_threads';

/** Thrown to the caller whose request was replaced by a newer one for the same file. */
export class SupersededError extends Error {
  constructor() {
    super('superseded by a newer request for the same file');
  }
}

export type WorkerResponse<Result> =
  | { id: number; ok: true; result: Result }
  | { id: number; ok: false; error: string }
  /** A newer request for the same file arrived before this one ran. */
  | { id: number; ok: false; superseded: true };

/** A worker thread that answers requests by ID; started on first use and again if it dies. */
export class WorkerConnection<Result> {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(result: Result): void; reject(error: Error): void }>();

  /** `onLost`: the worker died or was stopped, with everything it held. */
  constructor(
    private readonly script: string,
    private readonly name: string,
    private readonly onLost: () => void = () => undefined,
  ) {}

  get running(): boolean {
    return this.worker !== undefined;
  }

  request(message: { id: number }): Promise<Result> {
    const worker = this.ensureWorker();
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject });
      worker.postMessage(message);
    });
  }

  /** A message that needs no answer, and no worker started for it. */
  notify(message: unknown): void {
    this.worker?.postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.unref();
    worker.on('message', (response: WorkerResponse<Result>) => {
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
      this.onLost();
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`${this.name} exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.onLost();
    await worker?.terminate();
  }
}
