import type { Range } from '../../shared/findings';
import type { CompletionItem } from '../nav/completion';
import type { OutlineSymbol } from '../nav/outline';
import type { RefLocation } from '../nav/refs';
import type { WorkerResponse } from './workerConnection';

/** An editor buffer at one version; the text is sent only when the worker does not hold that version yet. */
export interface NavText {
  file: string;
  version: number;
  text?: string;
}

export type NavQuery =
  | { op: 'outline' }
  | { op: 'operationAnchors' }
  | { op: 'hover'; offset: number }
  | { op: 'completion'; offset: number }
  | { op: 'definition'; offset: number }
  /** `candidates`: the workspace files that may hold references, read by the worker itself. */
  | { op: 'references'; offset: number; includeDeclaration: boolean; candidates: string[] };

export interface NavResults {
  outline: OutlineSymbol[];
  operationAnchors: { operationId: string; range: Range }[];
  hover: string | undefined;
  completion: CompletionItem[];
  definition: RefLocation | undefined;
  references: RefLocation[];
}

export type NavRequest =
  /** `texts`: the queried document first, then the other buffers that differ from disk. */
  | { type: 'query'; id: number; file: string; texts: NavText[]; query: NavQuery }
  | { type: 'forget'; file: string };

export type NavResponse = WorkerResponse<NavResults[NavQuery['op']]>;
