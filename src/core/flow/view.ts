/**
 * What the event-flow webview needs from a graph and its layout: positions, filter facets (tags, servers,
 * applications), hover text with message schemas in brief; and the way back from the view to the
 * documents: the location a node or edge reveals, the node under the editor's cursor, findings as diagnostics.
 */
import path from 'node:path';
import type { Finding, Range } from '../../shared/findings';
import type { FlowSource, FlowView, FlowViewEdge, FlowViewNode } from '../../shared/flowProtocol';
import type { EventModel, JsonObject, MessageNode } from '../model/eventModel';
import { channelKey, type FlowDocument, type FlowFinding, type FlowGraph, type FlowLocation } from './graph';
import type { FlowLayout } from './layout';

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

function at(root: unknown, pointer: readonly string[]): unknown {
  let node = root;
  for (const key of pointer) node = isObject(node) ? node[key] : Array.isArray(node) ? (node as unknown[])[Number(key)] : undefined;
  return node;
}

function tagNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((tag) => (isObject(tag) && typeof tag.name === 'string' ? [tag.name] : typeof tag === 'string' ? [tag] : []));
}

/** A schema in one line: `{orderId: string, note?: string}`, one level deep, so the hover stays short. */
export function schemaBrief(schema: unknown, maxProperties = 8): string {
  if (!isObject(schema)) return 'any';
  const typeOf = (node: unknown): string => {
    if (!isObject(node)) return 'any';
    if (Array.isArray(node.enum)) return node.enum.slice(0, 4).map((value) => JSON.stringify(value)).join(' | ') + (node.enum.length > 4 ? ' | …' : '');
    if (node.const !== undefined) return JSON.stringify(node.const);
    if (node.type === 'array') return `${typeOf(node.items)}[]`;
    if (typeof node.type === 'string') return typeof node.format === 'string' ? `${node.type} (${node.format})` : node.type;
    if (Array.isArray(node.type)) return node.type.join(' | ');
    for (const key of ['oneOf', 'anyOf'] as const) if (Array.isArray(node[key])) return (node[key] as unknown[]).map(typeOf).join(' | ');
    return isObject(node.properties) ? 'object' : 'any';
  };
  if (!isObject(schema.properties)) return typeOf(schema);
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((key): key is string => typeof key === 'string') : []);
  const keys = Object.keys(schema.properties);
  const fields = keys.slice(0, maxProperties).map((key) => `${key}${required.has(key) ? '' : '?'}: ${typeOf((schema.properties as JsonObject)[key])}`);
  if (keys.length > maxProperties) fields.push(`… ${keys.length - maxProperties} more`);
  return `{${fields.join(', ')}}`;
}

/** Server names of a channel: those it lists, else every server of its document (AsyncAPI's default). */
function channelServers(doc: FlowDocument, channelPath: readonly string[]): string[] {
  const raw = at(doc.resolved, channelPath);
  const all = doc.model.servers.map((server) => server.name);
  const listed = isObject(raw) && Array.isArray(raw.servers) ? raw.servers : undefined;
  if (!listed || listed.length === 0) return all;
  // 2.x lists names; 3.x lists `$ref`s, which the resolver replaced by the server objects themselves.
  const servers = isObject(doc.resolved) && isObject(doc.resolved.servers) ? doc.resolved.servers : {};
  return listed.flatMap((entry) => (typeof entry === 'string' ? [entry] : Object.keys(servers).filter((name) => servers[name] === entry)));
}

function messagesByName(documents: readonly FlowDocument[]): Map<string, MessageNode> {
  const byName = new Map<string, MessageNode>();
  for (const doc of documents) {
    for (const message of doc.model.messages) {
      const name = message.name ?? message.title ?? message.id;
      if (!byName.has(name)) byName.set(name, message);
    }
  }
  return byName;
}

function messageLines(names: readonly string[], byName: Map<string, MessageNode>): string[] {
  return names.map((name) => {
    const message = byName.get(name);
    return message?.payload === undefined ? name : `${name} ${schemaBrief(message.payload)}`;
  });
}

export function buildFlowView(graph: FlowGraph, layout: FlowLayout, documents: readonly FlowDocument[], options: { title: string; source: FlowSource }): FlowView {
  const docsByFile = new Map(documents.map((doc) => [doc.file, doc]));
  const byName = messagesByName(documents);
  const findingsByNode = new Map<string, FlowFinding[]>();
  for (const finding of graph.findings) findingsByNode.set(finding.nodeId, [...(findingsByNode.get(finding.nodeId) ?? []), finding]);

  const tags = new Map<string, Set<string>>();
  const servers = new Map<string, Set<string>>();
  const apps = new Map<string, Set<string>>();
  const messages = new Map<string, Set<string>>();
  const add = (facet: Map<string, Set<string>>, id: string, values: Iterable<string>): void => {
    let set = facet.get(id);
    if (!set) facet.set(id, (set = new Set()));
    for (const value of values) set.add(value);
  };
  for (const app of graph.applications) {
    const doc = docsByFile.get(app.file);
    const root = doc?.resolved;
    add(tags, app.id, [...tagNames(at(root, ['info', 'tags'])), ...tagNames(at(root, ['tags']))]);
    add(servers, app.id, doc?.model.servers.map((server) => server.name) ?? []);
    add(apps, app.id, [app.id]);
  }
  for (const channel of graph.channels) {
    for (const declaration of channel.declarations) {
      const doc = docsByFile.get(declaration.file);
      if (!doc) continue;
      add(tags, channel.id, tagNames(at(doc.resolved, [...declaration.path, 'tags'])));
      add(servers, channel.id, channelServers(doc, declaration.path));
    }
  }
  for (const edge of graph.edges) {
    const [appId, channelId] = edge.from.startsWith('app:') ? [edge.from, edge.to] : [edge.to, edge.from];
    add(apps, channelId, [appId]);
    add(messages, channelId, edge.messages);
    for (const operation of edge.operations) {
      const operationTags = tagNames(at(docsByFile.get(operation.file)?.resolved, [...operation.path, 'tags']));
      add(tags, channelId, operationTags);
      add(tags, appId, operationTags);
    }
  }

  const nodes: FlowViewNode[] = layout.nodes.map((placed) => {
    const { node } = placed;
    const brief =
      node.kind === 'application'
        ? [node.title, path.basename(path.dirname(node.file)) + path.sep + path.basename(node.file)]
        : [node.address ?? `${node.name} (address at runtime)`, ...messageLines(sorted(messages.get(node.id) ?? []), byName)];
    return {
      id: node.id,
      kind: node.kind,
      label: placed.label,
      x: placed.x,
      y: placed.y,
      width: placed.width,
      height: placed.height,
      tags: sorted(tags.get(node.id) ?? []),
      servers: sorted(servers.get(node.id) ?? []),
      applications: sorted(apps.get(node.id) ?? []),
      findings: (findingsByNode.get(node.id) ?? []).map(({ code, severity, message }) => ({ code, severity, message })),
      brief,
      deadLetter: node.kind === 'channel' && node.deadLetter,
    };
  });
  const flowEdges = new Map(graph.edges.map((edge) => [edge.id, edge]));
  const edges: FlowViewEdge[] = layout.edges.map((placed) => ({
    id: placed.id,
    from: placed.from,
    to: placed.to,
    label: placed.label,
    points: placed.points.map(({ x, y }) => ({ x, y })),
    ...(placed.labelBox ? { labelBox: placed.labelBox } : {}),
    brief: messageLines(flowEdges.get(placed.id)?.messages ?? [], byName),
  }));
  return {
    title: options.title,
    source: options.source,
    width: layout.width,
    height: layout.height,
    nodes,
    edges,
    facets: {
      applications: graph.applications.map((app) => ({ id: app.id, label: app.title })),
      tags: sorted(nodes.flatMap((node) => node.tags)),
      servers: sorted(nodes.flatMap((node) => node.servers)),
    },
  };
}

/**
 * Where a node or edge is written: an application's `info`, a channel's declaration (in `preferFile` when it
 * declares the channel there), an edge's first operation.
 */
export function flowLocation(graph: FlowGraph, id: string, preferFile?: string): FlowLocation | undefined {
  const app = graph.applications.find((candidate) => candidate.id === id);
  if (app) return { file: app.file, path: ['info'] };
  const channel = graph.channels.find((candidate) => candidate.id === id);
  if (channel) return channel.declarations.find((declaration) => declaration.file === preferFile) ?? channel.declarations[0];
  const edge = graph.edges.find((candidate) => candidate.id === id);
  return edge && (edge.operations.find((operation) => operation.file === preferFile) ?? edge.operations[0]);
}

const isPrefix = (prefix: readonly string[], pointer: readonly string[]): boolean => prefix.length <= pointer.length && prefix.every((key, index) => pointer[index] === key);

/**
 * The node or edge written where the cursor is: the deepest operation or channel containing it, else the
 * document's application. An operation with a reply has two edges; `model` (the file's) tells them apart:
 * inside `reply` the reply's edge, elsewhere the request's.
 */
export function flowItemAt(graph: FlowGraph, file: string, pointer: readonly string[], model?: EventModel): string | undefined {
  let best: { ids: string[]; path: readonly string[] } | undefined;
  const consider = (id: string, location: FlowLocation): void => {
    if (location.file !== file || !isPrefix(location.path, pointer)) return;
    if (!best || location.path.length > best.path.length) best = { ids: [id], path: location.path };
    else if (location.path.length === best.path.length && !best.ids.includes(id)) best.ids.push(id);
  };
  for (const channel of graph.channels) for (const declaration of channel.declarations) consider(channel.id, declaration);
  for (const edge of graph.edges) for (const operation of edge.operations) consider(edge.id, operation);
  if (!best) return graph.applications.find((app) => app.file === file)?.id;
  const found: { ids: string[]; path: readonly string[] } = best;
  if (found.ids.length > 1 && model) {
    const operation = model.operations.find((candidate) => candidate.path.length === found.path.length && isPrefix(candidate.path, found.path));
    const channelId = pointer[found.path.length] === 'reply' ? operation?.reply?.channelId : operation?.channelId;
    const address = model.channels.find((channel) => channel.id === channelId)?.address;
    const node = address === undefined || address === null ? undefined : `channel:${channelKey(address)}`;
    const edge = found.ids.find((id) => id.startsWith(`${node}->`) || id.endsWith(`->${node}`));
    if (edge) return edge;
  }
  return found.ids[0];
}

/** Each finding at each place it concerns, as a diagnostic-ready finding; locations whose file cannot be read are dropped. */
export function flowFindingsAsDiagnostics(findings: readonly FlowFinding[], rangeOf: (file: string, pointer: readonly string[]) => Range | undefined): Finding[] {
  return findings.flatMap((finding) =>
    finding.locations.flatMap((location) => {
      const range = rangeOf(location.file, location.path);
      return range ? [{ file: location.file, range, severity: finding.severity, code: finding.code, message: finding.message, path: location.path }] : [];
    }),
  );
}
