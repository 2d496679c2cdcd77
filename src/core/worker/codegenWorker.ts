import { parentPort } from 'node:worker_threads';
import { DocumentErrorsError, planFromFile, UnknownOperationError } from '../codegen/generate';
import { createRefReader } from '../model/refReader';
import type { CodegenRequest, CodegenResponse } from './codegenProtocol';

/**
 * Client generation off the extension host's thread, in its own bundle: the parser, json-schema-to-typescript
 * and ajv load only when a user generates, and go away with the worker afterwards.
 */
const port = parentPort;
if (!port) throw new Error('codegenWorker must run in a worker thread');

port.once('message', (request: CodegenRequest) => {
  void plan(request).then((response) => port.postMessage(response));
});

async function plan(request: CodegenRequest): Promise<CodegenResponse> {
  try {
    const reader = createRefReader({ overlays: new Map(request.overlays), remoteRefs: request.remoteRefs });
    return { ok: true, plan: await planFromFile(request.file, request.outDir, reader, { transport: request.transport, operationIds: request.operationIds }) };
  } catch (error) {
    if (error instanceof DocumentErrorsError) return { ok: false, refused: error.messages };
    if (error instanceof UnknownOperationError) return { ok: false, refused: [error.message] };
    return { ok: false, error: (error as Error).stack ?? String(error) };
  }
}
