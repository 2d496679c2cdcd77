import type { WorkerResponse } from './workerConnection';
import type { DocumentValidation, ValidationOptions } from '../validate/validator';

export interface ValidateRequest {
  id: number;
  file: string;
  text: string;
  /** Unsaved buffers of other files, by absolute path. */
  overlays: [string, string][];
  remoteRefs: boolean;
  /** Where the search for a project `.spectral.yaml` stops (the workspace folder). */
  projectRoot?: string;
  /** Plain data only: the worker reads the Spectral config itself, since rule functions cannot cross threads. */
  options: Omit<ValidationOptions, 'spectral'>;
}

export type ValidateResponse = WorkerResponse<DocumentValidation>;
