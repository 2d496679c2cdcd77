/**
 * Messages between the extension host and the event-flow webview, and the filter model both sides use.
 * Both sides check incoming messages at run time: labels come from documents and client IDs from traffic,
 * and the host must not trust what the webview sends back.
 */
import type { Severity } from './findings';

export interface FlowPoint {
  x: number;
  y: number;
}

export interface FlowViewFinding {
  code: string;
  severity: Severity;
  message: string;
}

/** A node of the map as the webview draws it: position from the layout, facets for the filters, text for the hover. */
export interface FlowViewNode {
  id: string;
  kind: 'application' | 'channel';
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
  tags: string[];
  servers: string[];
  /** The applications this node belongs to: itself, or those sending to or receiving from the channel. */
  applications: string[];
  findings: FlowViewFinding[];
  /** Lines for the hover: address, messages and their schemas in brief. */
  brief: string[];
  deadLetter: boolean;
}

export interface FlowViewEdge {
  id: string;
  from: string;
  to: string;
  label: string;
  points: FlowPoint[];
  labelBox?: { x: number; y: number; width: number; height: number };
  brief: string[];
}

/** What a map shows: every AsyncAPI document of the workspace, or one document. */
export type FlowSource = { scope: 'system' } | { scope: 'document'; file: string };

export interface FlowView {
  title: string;
  source: FlowSource;
  width: number;
  height: number;
  nodes: FlowViewNode[];
  edges: FlowViewEdge[];
  /** Facet values of the filters, sorted: application IDs with their labels, tags, server names. */
  facets: { applications: { id: string; label: string }[]; tags: string[]; servers: string[] };
}

/** Traffic on one edge since the broker started: events (sends) or deliveries (receives). */
export interface EdgeTraffic {
  id: string;
  count: number;
  invalid: number;
  /** Events per second over the last window. */
  rate: number;
  /** When the newest event passed, so the view animates only edges with fresh traffic. */
  lastTime: number;
}

/** A client seen in traffic that no document describes, or an edge no operation declares. */
export interface UndeclaredTraffic {
  applications: { id: string; label: string }[];
  edges: { id: string; from: string; to: string }[];
}

export interface FlowTraffic {
  edges: EdgeTraffic[];
  /** Dead-lettered events per channel node. */
  deadLetters: { id: string; count: number }[];
  undeclared: UndeclaredTraffic;
  /** The broker's clock at the snapshot, for the animation's freshness check. */
  now: number;
}

export interface FlowFilters {
  search: string;
  tag: string;
  server: string;
  application: string;
}

export const NO_FLOW_FILTERS: FlowFilters = { search: '', tag: '', server: '', application: '' };

export type ExportFormat = 'svg' | 'png' | 'mermaid';

export type FlowHostToView =
  | { type: 'graph'; view: FlowView }
  | { type: 'traffic'; traffic: FlowTraffic; running: boolean }
  | { type: 'highlight'; id: string | null }
  | { type: 'rasterize'; requestId: number; svg: string; width: number; height: number }
  | { type: 'notice'; text: string };

export type FlowViewToHost =
  | { type: 'ready' }
  | { type: 'reveal'; id: string }
  | { type: 'openTrace'; edgeId: string }
  /** `visible`: the node IDs the filters leave, so the export shows what the view shows. */
  | { type: 'export'; format: ExportFormat; visible: string[] }
  | { type: 'rasterized'; requestId: number; dataUrl: string };

/** The webview's persisted UI state (`setState`), restored after hiding, a reload or a VS Code restart. */
export interface FlowViewState {
  /** Kept so that the panel serializer knows which map to restore after a window reload. */
  source?: FlowSource;
  filters: FlowFilters;
  /** Pan and zoom: the SVG viewport's translation and scale. */
  viewport?: { x: number; y: number; scale: number };
  focused?: string;
}

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'string[]' | 'string|null';
type Shape = Record<string, Kind>;

const VIEW_TO_HOST: Record<FlowViewToHost['type'], Shape> = {
  ready: {},
  reveal: { id: 'string' },
  openTrace: { edgeId: 'string' },
  export: { format: 'string', visible: 'string[]' },
  rasterized: { requestId: 'number', dataUrl: 'string' },
};

const HOST_TO_VIEW: Record<FlowHostToView['type'], Shape> = {
  graph: { view: 'object' },
  traffic: { traffic: 'object', running: 'boolean' },
  highlight: { id: 'string|null' },
  rasterize: { requestId: 'number', svg: 'string', width: 'number', height: 'number' },
  notice: { text: 'string' },
};

function fits(field: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'object':
      return typeof field === 'object' && field !== null;
    case 'string[]':
      return Array.isArray(field) && field.every((item) => typeof item === 'string');
    case 'string|null':
      return field === null || typeof field === 'string';
    default:
      return typeof field === kind;
  }
}

function matches(value: unknown, shapes: Record<string, Shape>): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { type } = value as { type?: unknown };
  if (typeof type !== 'string' || !Object.hasOwn(shapes, type)) return false;
  return Object.entries(shapes[type] ?? {}).every(([key, kind]) => fits((value as Record<string, unknown>)[key], kind));
}

const FORMATS: readonly string[] = ['svg', 'png', 'mermaid'] satisfies ExportFormat[];

export function isFlowViewToHost(value: unknown): value is FlowViewToHost {
  if (!matches(value, VIEW_TO_HOST)) return false;
  const message = value as FlowViewToHost;
  if (message.type === 'export') return FORMATS.includes(message.format);
  // Only a PNG the webview drew itself, never a link to anything else.
  if (message.type === 'rasterized') return message.dataUrl.startsWith('data:image/png;base64,');
  return true;
}

export function isFlowHostToView(value: unknown): value is FlowHostToView {
  return matches(value, HOST_TO_VIEW);
}

/**
 * Whether a node passes the filters. Tag, server and application are exact facet values; the search is a
 * case-insensitive substring of the label or of any line of the hover (so a message name finds its channels).
 */
export function nodeVisible(node: FlowViewNode, filters: FlowFilters): boolean {
  if (filters.tag !== '' && !node.tags.includes(filters.tag)) return false;
  if (filters.server !== '' && !node.servers.includes(filters.server)) return false;
  if (filters.application !== '' && !node.applications.includes(filters.application)) return false;
  return true;
}

export function nodeMatchesSearch(node: FlowViewNode, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (needle === '') return false;
  return node.label.toLowerCase().includes(needle) || node.brief.some((line) => line.toLowerCase().includes(needle));
}

/** The nodes and edges the filters leave: an edge shows when both its ends do. */
export function visibleParts(view: FlowView, filters: FlowFilters): { nodes: Set<string>; edges: Set<string> } {
  const nodes = new Set(view.nodes.filter((node) => nodeVisible(node, filters)).map((node) => node.id));
  const edges = new Set(view.edges.filter((edge) => nodes.has(edge.from) && nodes.has(edge.to)).map((edge) => edge.id));
  return { nodes, edges };
}
