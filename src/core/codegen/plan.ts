import type { TransportKind } from './adapterSources';

// What a generation would write, apart from the generator itself: the extension host reads plans made in
// the codegen worker without loading the generator (and the parser it brings).

/** `handWritten`: a file of that name exists without the generated header, so the plan cannot be written. */
export type FileStatus = 'new' | 'changed' | 'unchanged' | 'handWritten';

export interface PlannedFile {
  /** Absolute path. */
  target: string;
  content: string;
  status: FileStatus;
  /** What is on disk now, for a `changed` file. */
  existing?: string;
}

export interface PlannedClient {
  transport: TransportKind;
  outDir: string;
  files: PlannedFile[];
  /** Generated files in the folder that the plan no longer has (the adapter of another transport): deleted on write. */
  stale: string[];
}

/** The hand-written files a plan would overwrite: when there are any, nothing is written. */
export function handWrittenFiles(plan: PlannedClient): string[] {
  return plan.files.filter((file) => file.status === 'handWritten').map((file) => file.target);
}
