/** Messages between the extension host and the "Compare with…" report webview. Both sides import this file. */

export type ChangeClassView = 'breaking' | 'non-breaking' | 'unclassified';

export interface ChangeSideView {
  /** Workspace-relative path and 1-based line, for display. */
  label: string;
  pointer: string;
  /** A few lines of the version around the change. */
  snippet: string;
}

export interface ChangeView {
  class: ChangeClassView;
  rule: string;
  message: string;
  help: string;
  usages: string[];
  /** A value one version accepts and the other rejects, in words. */
  counterexample?: string;
  /** Channel address the change is grouped under; "Document" for servers and the like. */
  group: string;
  old?: ChangeSideView;
  new?: ChangeSideView;
}

export interface ImpactView {
  address: string;
  applications: { label: string; operation: string; action: 'send' | 'receive'; counterpart: boolean; broken: boolean }[];
}

export interface ReportView {
  title: string;
  oldLabel: string;
  newLabel: string;
  mode: string;
  summary: { breaking: number; nonBreaking: number; unclassified: number };
  version: { line: string; problem?: { severity: 'error' | 'warning'; message: string } };
  changes: ChangeView[];
  impact: ImpactView[];
}

export type HostToView = { type: 'report'; report: ReportView } | { type: 'error'; message: string };

/** `index` is the change's position in the last report sent: the host never trusts a path from the view. */
export type ViewToHost = { type: 'ready' } | { type: 'reveal'; index: number; side: 'old' | 'new' };

/** The view is untrusted: every incoming message is checked before the host acts on it. */
export function parseViewToHost(value: unknown): ViewToHost | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  if (message.type === 'ready') return { type: 'ready' };
  if (message.type === 'reveal' && Number.isInteger(message.index) && (message.side === 'old' || message.side === 'new')) {
    return { type: 'reveal', index: message.index as number, side: message.side };
  }
  return undefined;
}
