/**
 * The system map: applications (one per document) linked through the channels they send to and
 * receive from. Channels with the same address across documents are one node, so several documents
 * form one system. IDs come from titles and addresses, never from positions, so a layout keyed on
 * them stays put when a document changes.
 */
import path from 'node:path';
import type { EventModel, JsonObject, MessageNode, OperationNode } from '../model/eventModel';
import type { Severity } from '../../shared/findings';

/** One document to draw: its file, model, and (for dead letters and names) the resolved tree and where its nodes are written. */
export interface FlowDocument {
  file: string;
  model: EventModel;
  resolved?: JsonObject;
  origins?: WeakMap<object, { pointer: string[] }>;
}

/** Where something is written, so a click can reveal it. */
export interface FlowLocation {
  file: string;
  path: string[];
}

export interface ApplicationNode {
  kind: 'application';
  id: string;
  title: string;
  file: string;
}

export interface ChannelFlowNode {
  kind: 'channel';
  id: string;
  /** The address as the first document writes it; null for a channel whose address is only known at runtime. */
  address: string | null;
  /** The channel's key in the first document that declares it. */
  name: string;
  /** A dead-letter channel: the broker feeds it, so no application needs to send to it. */
  deadLetter: boolean;
  declarations: FlowLocation[];
}

export type FlowNode = ApplicationNode | ChannelFlowNode;

/** application → channel for `send`, channel → application for `receive`; replies included. */
export interface FlowEdge {
  id: string;
  from: string;
  to: string;
  /** Message names, sorted and without repeats. */
  messages: string[];
  operations: FlowLocation[];
}

export type FlowFindingCode =
  | 'flow-channel-not-received'
  | 'flow-channel-not-sent'
  | 'flow-reply-without-correlation-id'
  | 'flow-queue-without-dead-letter';

export interface FlowFinding {
  code: FlowFindingCode;
  severity: Severity;
  message: string;
  nodeId: string;
  locations: FlowLocation[];
}

export interface FlowGraph {
  applications: ApplicationNode[];
  channels: ChannelFlowNode[];
  edges: FlowEdge[];
  findings: FlowFinding[];
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** `{orderId}` and `{id}` name the same topic pattern, so parameter names do not split a channel. */
export function channelKey(address: string): string {
  return address.replace(/\{[^}]*\}/g, '{}');
}

export function buildFlowGraph(documents: readonly FlowDocument[]): FlowGraph {
  const applications = applicationNodes(documents);
  const channels = new Map<string, ChannelFlowNode>();
  const edges = new Map<string, FlowEdge & { messageSet: Set<string> }>();
  const findings: FlowFinding[] = [];

  documents.forEach((doc, index) => {
    const app = applications[index] as ApplicationNode;
    const messages = new Map(doc.model.messages.map((message) => [message.id, message]));
    const channelNodeIds = new Map<string, string>();
    const deadLetterChannels = deadLetterChannelIds(doc);
    for (const channel of doc.model.channels) {
      // A channel without a static address cannot be matched across documents: it stays the document's own.
      const id = channel.address === null ? `channel:${app.id}#${channel.id}` : `channel:${channelKey(channel.address)}`;
      channelNodeIds.set(channel.id, id);
      const location = { file: doc.file, path: channel.path };
      const known = channels.get(id);
      const deadLetter = deadLetterChannels.has(channel.id);
      if (known) {
        known.declarations.push(location);
        known.deadLetter ||= deadLetter;
      } else channels.set(id, { kind: 'channel', id, address: channel.address, name: channel.id, deadLetter, declarations: [location] });
    }
    const link = (from: string, to: string, messageIds: string[], operation: OperationNode): void => {
      const id = `${from}->${to}`;
      let edge = edges.get(id);
      if (!edge) edges.set(id, (edge = { id, from, to, messages: [], operations: [], messageSet: new Set() }));
      for (const messageId of messageIds) edge.messageSet.add(messageName(doc, messages.get(messageId), messageId));
      edge.operations.push({ file: doc.file, path: operation.path });
    };
    for (const operation of doc.model.operations) {
      const channelId = operation.channelId === undefined ? undefined : channelNodeIds.get(operation.channelId);
      if (channelId) {
        if (operation.action === 'send') link(app.id, channelId, operation.messageIds, operation);
        else link(channelId, app.id, operation.messageIds, operation);
      }
      const reply = operation.reply;
      if (!reply) continue;
      // The requester receives the reply; the side that receives the request sends it.
      const replyChannelId = reply.channelId === undefined ? undefined : channelNodeIds.get(reply.channelId);
      if (replyChannelId) {
        if (operation.action === 'send') link(replyChannelId, app.id, reply.messageIds, operation);
        else link(app.id, replyChannelId, reply.messageIds, operation);
      }
      const uncorrelated = [...operation.messageIds, ...reply.messageIds]
        .map((messageId) => messages.get(messageId))
        .filter((message): message is MessageNode => message !== undefined && message.correlationId === undefined)
        .map((message) => messageName(doc, message, message.id));
      if (uncorrelated.length > 0) {
        findings.push({
          code: 'flow-reply-without-correlation-id',
          severity: 'warning',
          message: `${app.title}: request/reply "${operation.id}" has no correlation ID on ${[...new Set(uncorrelated)].join(', ')}`,
          nodeId: app.id,
          locations: [{ file: doc.file, path: operation.path }],
        });
      }
    }
    if (doc.resolved) findings.push(...deadLetterFindings(doc, channelNodeIds));
  });

  const flowEdges = [...edges.values()]
    .map(({ messageSet, ...edge }) => ({ ...edge, messages: [...messageSet].sort() }))
    .sort(byId);
  const channelList = [...channels.values()].sort(byId);
  findings.push(...directionFindings(channelList, flowEdges));
  return { applications: [...applications].sort(byId), channels: channelList, edges: flowEdges, findings };
}

/** IDs from titles; a title two documents share, or an empty one, is told apart by the file. */
function applicationNodes(documents: readonly FlowDocument[]): ApplicationNode[] {
  const titleCount = new Map<string, number>();
  for (const doc of documents) titleCount.set(doc.model.title, (titleCount.get(doc.model.title) ?? 0) + 1);
  const used = new Set<string>();
  return documents.map((doc) => {
    const title = doc.model.title || path.basename(path.dirname(doc.file)) || doc.file;
    let id = doc.model.title && titleCount.get(doc.model.title) === 1 ? `app:${doc.model.title}` : `app:${title}@${doc.file}`;
    for (let n = 2; used.has(id); n++) id = `app:${title}@${doc.file}#${n}`;
    used.add(id);
    return { kind: 'application', id, title, file: doc.file };
  });
}

/** An anonymous 2.x message is named by the key its `$ref` points at (`messages.yaml#/commentLiked`). */
function messageName(doc: FlowDocument, message: MessageNode | undefined, fallback: string): string {
  const named = message?.name ?? message?.title;
  if (named) return named;
  const target = message && at(doc.resolved, message.path);
  const pointer = isObject(target) ? doc.origins?.get(target)?.pointer : undefined;
  return pointer?.[pointer.length - 1] ?? fallback;
}

function directionFindings(channels: ChannelFlowNode[], edges: FlowEdge[]): FlowFinding[] {
  const sent = new Set(edges.filter((edge) => edge.to.startsWith('channel:')).map((edge) => edge.to));
  const received = new Set(edges.filter((edge) => edge.from.startsWith('channel:')).map((edge) => edge.from));
  const findings: FlowFinding[] = [];
  for (const channel of channels) {
    const name = channel.address ?? channel.name;
    if (sent.has(channel.id) && !received.has(channel.id)) {
      findings.push({
        code: 'flow-channel-not-received',
        severity: 'warning',
        message: `"${name}" is sent to but no application receives from it: its events are lost`,
        nodeId: channel.id,
        locations: channel.declarations,
      });
    } else if (received.has(channel.id) && !sent.has(channel.id) && !channel.deadLetter) {
      findings.push({
        code: 'flow-channel-not-sent',
        severity: 'warning',
        message: `"${name}" is received from but no application sends to it`,
        nodeId: channel.id,
        locations: channel.declarations,
      });
    }
  }
  return findings;
}

/**
 * A queue that redelivers (`x-delivery-limit` among the AMQP queue arguments, or `x-max-retries` on
 * the channel) needs somewhere for messages that exhaust their retries: a dead-letter exchange or an
 * `x-dead-letter-channel`. Bindings other than AMQP say nothing standard about retries, so they are not judged.
 */
function deadLetterFindings(doc: FlowDocument, channelNodeIds: Map<string, string>): FlowFinding[] {
  const findings: FlowFinding[] = [];
  for (const channel of doc.model.channels) {
    const raw = at(doc.resolved, channel.path);
    const args = queueArguments(channel.bindings);
    const retries = args['x-delivery-limit'] !== undefined || (isObject(raw) && raw['x-max-retries'] !== undefined);
    const deadLetter = args['x-dead-letter-exchange'] !== undefined || (isObject(raw) && raw['x-dead-letter-channel'] !== undefined);
    if (!retries || deadLetter) continue;
    findings.push({
      code: 'flow-queue-without-dead-letter',
      severity: 'warning',
      message: `"${channel.address ?? channel.id}" retries deliveries but has no dead-letter channel`,
      nodeId: channelNodeIds.get(channel.id) ?? channel.id,
      locations: [{ file: doc.file, path: channel.path }],
    });
  }
  return findings;
}

/**
 * Channels the broker dead-letters into: named by another channel's `x-dead-letter-channel` or AMQP
 * `x-dead-letter-routing-key`, or declaring their own `x-dead-letter-source`.
 */
function deadLetterChannelIds(doc: FlowDocument): Set<string> {
  const ids = new Set<string>();
  const byAddress = new Map(doc.model.channels.map((channel) => [channel.address, channel.id]));
  for (const channel of doc.model.channels) {
    const raw = at(doc.resolved, channel.path);
    if (isObject(raw) && raw['x-dead-letter-source'] !== undefined) ids.add(channel.id);
    if (isObject(raw) && typeof raw['x-dead-letter-channel'] === 'string') ids.add(raw['x-dead-letter-channel']);
    const routingKey = queueArguments(channel.bindings)['x-dead-letter-routing-key'];
    const target = typeof routingKey === 'string' ? byAddress.get(routingKey) : undefined;
    if (target !== undefined) ids.add(target);
  }
  return ids;
}

/** RabbitMQ queue arguments, which the AMQP binding has no field for: written as `x-queue-arguments`. */
function queueArguments(bindings: JsonObject | undefined): JsonObject {
  const amqp = isObject(bindings?.amqp) ? bindings.amqp : {};
  const queue = isObject(amqp.queue) ? amqp.queue : {};
  return { ...(isObject(queue['x-queue-arguments']) ? queue['x-queue-arguments'] : {}), ...(isObject(amqp['x-queue-arguments']) ? amqp['x-queue-arguments'] : {}) };
}

function at(root: unknown, pointer: readonly string[]): unknown {
  let node = root;
  for (const key of pointer) node = isObject(node) ? node[key] : undefined;
  return node;
}
