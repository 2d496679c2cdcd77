import { Worker } from 'node:worker_threads';
import type { DocumentValidation, ValidationOptions } from '../validate/validator';
import type { ValidateRequest, ValidateResponse } from './protocol';

export interface ValidateInput {
  file: string;
  text: string;
  overlays?: ReadonlyMap<string, string>;
  remoteRefs?: boolean;
  projectRoot?: string;
  options?: Omit<ValidationOptions, 'spectral'>;
}

/** Thrown to the caller whose request was replaced by a newer one for the same file. */
export class SupersededError extends Error {
  constructor() {
    super('superseded by a newer request for the same file');
  }
}

/** Talks to the validation worker; starts it on first use and again if it dies. */
export class ValidationClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(result: DocumentValidation): void; reject(error: Error): void }>();

  constructor(private readonly workerScript: string) {}

  validate(input: ValidateInput): Promise<DocumentValidation> {
    const worker = this.ensureWorker();
    const request: ValidateRequest = {
      id: this.nextId++,
      file: input.file,
      text: input.text,
      overlays: [...(input.overlays ?? new Map<string, string>())],
      remoteRefs: input.remoteRefs ?? false,
      projectRoot: input.projectRoot,
      options: input.options ?? {},
    };
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      worker.postMessage(request);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerScript);
    worker.unref();
    worker.on('message', (response: ValidateResponse) => {
      const waiter = this.pending.get(response.id);
      if (!waiter) return;
      this.pending.delete(response.id);
      if (response.ok) waiter.resolve(response.result);
      else if ('superseded' in response) waiter.reject(new SupersededError());
      else waiter.reject(new Error(response.error));
    });
    const fail = (error: Error): void => {
      this.worker = undefined;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`validation worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}
