import type { DocumentValidation, ValidationOptions } from '../validate/validator';
import type { ValidateRequest } from './protocol';
import { WorkerConnection } from './workerConnection';

export interface ValidateInput {
  file: string;
  text: string;
  overlays?: ReadonlyMap<string, string>;
  remoteRefs?: boolean;
  projectRoot?: string;
  options?: Omit<ValidationOptions, 'spectral'>;
}

/** Talks to the validation worker; starts it on first use and again if it dies. */
export class ValidationClient {
  private readonly connection: WorkerConnection<DocumentValidation>;
  private nextId = 1;

  constructor(workerScript: string) {
    this.connection = new WorkerConnection(workerScript, 'validation worker');
  }

  validate(input: ValidateInput): Promise<DocumentValidation> {
    const request: ValidateRequest = {
      id: this.nextId++,
      file: input.file,
      text: input.text,
      overlays: [...(input.overlays ?? new Map<string, string>())],
      remoteRefs: input.remoteRefs ?? false,
      projectRoot: input.projectRoot,
      options: input.options ?? {},
    };
    return this.connection.request(request);
  }

  dispose(): Promise<void> {
    return this.connection.dispose();
  }
}
