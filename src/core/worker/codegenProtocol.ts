import type { TransportKind } from '../codegen/adapterSources';
import type { PlannedClient } from '../codegen/plan';

export interface CodegenRequest {
  file: string;
  outDir: string;
  /** Unsaved editor buffers (the document itself included), by absolute path. */
  overlays: [string, string][];
  remoteRefs: boolean;
  transport?: TransportKind;
  operationIds?: string[];
}

export type CodegenResponse =
  | { ok: true; plan: PlannedClient }
  /** The document has errors, or names no such operation: the user's to fix, not a crash. */
  | { ok: false; refused: string[] }
  | { ok: false; error: string };
