import { Worker } from 'node:worker_threads';
import type { CodegenRequest, CodegenResponse } from './codegenProtocol';

/** Runs one generation in a fresh worker and ends it: generation is rare, and the worker's memory is large. */
export async function planInWorker(workerScript: string, request: CodegenRequest): Promise<CodegenResponse> {
  const worker = new Worker(workerScript);
  try {
    return await new Promise<CodegenResponse>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the codegen worker exited with code ${code} before answering`)));
      worker.postMessage(request);
    });
  } finally {
    await worker.terminate();
  }
}
