/**
 * Messages between the extension host and the trace webview. Both sides check incoming messages at run
 * time: the webview shows hostile payloads, and the host must not trust what the webview sends back.
 */

/** One line of the trace table: what the table shows and filters on, not the whole record. */
export interface TraceRow {
  id: string;
  time: number;
  topic: string;
  channel?: string;
  message?: string;
  producer: string;
  consumers: string[];
  valid: boolean;
  disposition: string;
  /** The correlation ID, or the W3C trace ID when there is none. */
  correlation?: string;
  size: number;
  duplicate: boolean;
}

export interface DetailError {
  text: string;
  /** Whether the host can open the schema location of this error. */
  linked: boolean;
}

export interface TraceDetail {
  id: string;
  /** Label/value pairs of the record's facts, in display order. */
  facts: [string, string][];
  /** Payload and headers, pretty-printed as JSON (or the raw text of a non-JSON body). */
  payload: string;
  headers: string;
  errors: DetailError[];
  sequence: { participants: string[]; arrows: { recordId: string; from: number; to: number; label: string; sincePrevious?: number; valid: boolean; undelivered: boolean }[] };
  /** The key of the correlation chain the sequence diagram shows, if the record has one. */
  chainKey?: string;
}

export type HostToView =
  | { type: 'reset'; rows: TraceRow[]; running: boolean }
  | { type: 'append'; rows: TraceRow[] }
  | { type: 'update'; rows: TraceRow[] }
  | { type: 'running'; running: boolean }
  | { type: 'detail'; detail: TraceDetail }
  | { type: 'notice'; text: string }
  /** Sets the filters, as when the flow map opens the trace of one edge. */
  | { type: 'filter'; filters: Partial<TraceFilters> };

export type ViewToHost =
  | { type: 'ready' }
  | { type: 'select'; id: string }
  | { type: 'openError'; id: string; index: number }
  | { type: 'replay'; id: string };

/** The webview's persisted UI state (`setState`), restored after a reload or a VS Code restart. */
export interface TraceViewState {
  filters: TraceFilters;
  selected?: string;
}

export interface TraceFilters {
  channel: string;
  message: string;
  client: string;
  correlation: string;
  validity: 'all' | 'valid' | 'invalid';
}

export const NO_FILTERS: TraceFilters = { channel: '', message: '', client: '', correlation: '', validity: 'all' };

type Shape = Record<string, 'string' | 'number' | 'boolean' | 'object'>;

const VIEW_TO_HOST: Record<ViewToHost['type'], Shape> = {
  ready: {},
  select: { id: 'string' },
  openError: { id: 'string', index: 'number' },
  replay: { id: 'string' },
};

const HOST_TO_VIEW: Record<HostToView['type'], Shape> = {
  reset: { rows: 'object', running: 'boolean' },
  append: { rows: 'object' },
  update: { rows: 'object' },
  running: { running: 'boolean' },
  detail: { detail: 'object' },
  notice: { text: 'string' },
  filter: { filters: 'object' },
};

function matches(value: unknown, shapes: Record<string, Shape>): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { type } = value as { type?: unknown };
  if (typeof type !== 'string' || !Object.hasOwn(shapes, type)) return false;
  const shape = shapes[type] ?? {};
  return Object.entries(shape).every(([key, kind]) => {
    const field = (value as Record<string, unknown>)[key];
    return kind === 'object' ? typeof field === 'object' && field !== null : typeof field === kind;
  });
}

export function isViewToHost(value: unknown): value is ViewToHost {
  return matches(value, VIEW_TO_HOST);
}

export function isHostToView(value: unknown): value is HostToView {
  return matches(value, HOST_TO_VIEW);
}

/** Whether a row passes the filters: substring matches, case-insensitive; the client is the producer or any consumer. */
export function rowMatches(row: TraceRow, filters: TraceFilters): boolean {
  if (filters.validity === 'valid' && !row.valid) return false;
  if (filters.validity === 'invalid' && row.valid) return false;
  const has = (text: string | undefined, needle: string): boolean => needle === '' || (text ?? '').toLowerCase().includes(needle.toLowerCase());
  if (!has(row.channel ?? row.topic, filters.channel) && !has(row.topic, filters.channel)) return false;
  if (!has(row.message, filters.message)) return false;
  if (!has(row.correlation, filters.correlation)) return false;
  if (filters.client !== '' && !has(row.producer, filters.client) && !row.consumers.some((consumer) => has(consumer, filters.client))) return false;
  return true;
}
