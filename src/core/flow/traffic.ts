/**
 * Live traffic on the system map: trace records counted onto the map's edges. A record's producer is an
 * edge into its channel, each consumer an edge out of it; MQTT client IDs are matched to applications by
 * name (`orders-service-1` is the Orders Service). Clients no document describes, and sends or receives no
 * operation declares, become undeclared nodes and edges, which the view draws dashed.
 */
import path from 'node:path';
import type { EdgeTraffic, FlowTraffic } from '../../shared/flowProtocol';
import type { TraceRecord } from '../trace/record';
import { channelKey, type FlowGraph } from './graph';

/** Events inside this window count towards an edge's rate. */
export const RATE_WINDOW_MS = 10_000;
/** Records remembered for de-duplicating deliveries that arrive in later updates. */
const REMEMBERED_RECORDS = 20_000;

const normalize = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

interface Counter {
  count: number;
  invalid: number;
  lastTime: number;
  /** Times of the latest events, for the rate. */
  recent: number[];
}

/** Producers that are the broker or an anonymous HTTP caller, so the message, not the client, says who sent it. */
const isAnonymous = (producer: string): boolean => producer.startsWith('http:') || producer.startsWith('eventscope:') || producer === 'unknown';

export class FlowTrafficStats {
  private readonly edgeIds: Set<string>;
  private readonly channelIds: Set<string>;
  /** Normalized name → application ID, longest names first so `ordersaudit` wins over `orders`. */
  private readonly appNames: [string, string][];
  private readonly sendersByChannel = new Map<string, { id: string; messages: string[] }[]>();
  private readonly counters = new Map<string, Counter>();
  private readonly deadLetters = new Map<string, number>();
  private readonly undeclaredApps = new Map<string, string>();
  private readonly undeclaredEdges = new Map<string, { id: string; from: string; to: string }>();
  /** Per record, whether its send was counted and which consumers were. */
  private readonly seen = new Map<string, { sent: boolean; consumers: Set<string> }>();

  constructor(graph: FlowGraph) {
    this.edgeIds = new Set(graph.edges.map((edge) => edge.id));
    this.channelIds = new Set(graph.channels.map((channel) => channel.id));
    const names: [string, string][] = [];
    for (const app of graph.applications) {
      const title = normalize(app.title);
      names.push([title, app.id]);
      if (title.endsWith('service') && title.length > 'service'.length) names.push([title.slice(0, -'service'.length), app.id]);
      const folder = normalize(path.basename(path.dirname(app.file)));
      if (folder !== '') names.push([folder, app.id]);
    }
    this.appNames = names.filter(([name]) => name !== '').sort((a, b) => b[0].length - a[0].length);
    for (const edge of graph.edges) {
      if (!edge.to.startsWith('channel:')) continue;
      this.sendersByChannel.set(edge.to, [...(this.sendersByChannel.get(edge.to) ?? []), { id: edge.id, messages: edge.messages }]);
    }
  }

  /** The application a client ID names, if any. */
  applicationOf(client: string): string | undefined {
    const name = normalize(client);
    return this.appNames.find(([candidate]) => name === candidate || name.startsWith(candidate))?.[1];
  }

  /** Counts a new record, or the deliveries an updated record gained; counting the same record again changes nothing. */
  observe(record: TraceRecord): void {
    const channel = this.channelOf(record);
    if (!channel) return;
    let seen = this.seen.get(record.id);
    if (!seen) {
      this.seen.set(record.id, (seen = { sent: false, consumers: new Set() }));
      if (this.seen.size > REMEMBERED_RECORDS) this.seen.delete(this.seen.keys().next().value as string);
    }
    const invalid = !record.validation.valid;
    if (!seen.sent) {
      seen.sent = true;
      if (record.disposition === 'dead-lettered') this.deadLetters.set(channel, (this.deadLetters.get(channel) ?? 0) + 1);
      const edge = this.senderEdge(record, channel);
      if (edge) this.count(edge, record.time, invalid);
    }
    for (const delivery of record.deliveries) {
      if (delivery.outcome === 'dead-lettered') {
        const key = `dlq:${delivery.consumer}`;
        if (!seen.consumers.has(key)) {
          seen.consumers.add(key);
          this.deadLetters.set(channel, (this.deadLetters.get(channel) ?? 0) + 1);
        }
        continue;
      }
      if (seen.consumers.has(delivery.consumer)) continue;
      seen.consumers.add(delivery.consumer);
      const app = this.applicationOf(delivery.consumer);
      const from = channel;
      const to = app ?? this.undeclaredApp(delivery.consumer);
      this.count(this.edge(from, to), delivery.time, invalid);
    }
  }

  snapshot(now: number): FlowTraffic {
    const edges: EdgeTraffic[] = [];
    for (const [id, counter] of this.counters) {
      // Deliveries arrive after their events, so times are not in order.
      counter.recent = counter.recent.filter((time) => time > now - RATE_WINDOW_MS);
      edges.push({ id, count: counter.count, invalid: counter.invalid, rate: counter.recent.length / (RATE_WINDOW_MS / 1000), lastTime: counter.lastTime });
    }
    return {
      edges: edges.sort((a, b) => (a.id < b.id ? -1 : 1)),
      deadLetters: [...this.deadLetters].map(([id, count]) => ({ id, count })).sort((a, b) => (a.id < b.id ? -1 : 1)),
      undeclared: {
        applications: [...this.undeclaredApps].map(([id, label]) => ({ id, label })).sort((a, b) => (a.id < b.id ? -1 : 1)),
        edges: [...this.undeclaredEdges.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
      },
      now,
    };
  }

  /** The channel node of a record: its matched address, or for a dead letter the address it was meant for. */
  private channelOf(record: TraceRecord): string | undefined {
    const address = record.channel ?? (record.topic.startsWith('$dlq/') ? record.topic.slice('$dlq/'.length) : undefined);
    if (address === undefined) return undefined;
    const id = `channel:${channelKey(address)}`;
    return this.channelIds.has(id) ? id : undefined;
  }

  private senderEdge(record: TraceRecord, channel: string): string | undefined {
    if (record.origin === 'dlq' || record.origin === 'redrive' || record.origin === 'replay') return undefined;
    const app = this.applicationOf(record.producer);
    if (app) return this.edge(app, channel);
    if (isAnonymous(record.producer)) {
      // Only one application sends this message here: it is the sender whoever called the endpoint.
      const senders = (this.sendersByChannel.get(channel) ?? []).filter((edge) => record.message !== undefined && edge.messages.includes(record.message));
      return senders.length === 1 ? senders[0]?.id : undefined;
    }
    return this.edge(this.undeclaredApp(record.producer), channel);
  }

  private undeclaredApp(client: string): string {
    const id = `client:${client}`;
    this.undeclaredApps.set(id, client);
    return id;
  }

  private edge(from: string, to: string): string {
    const id = `${from}->${to}`;
    if (!this.edgeIds.has(id) && !this.undeclaredEdges.has(id)) this.undeclaredEdges.set(id, { id, from, to });
    return id;
  }

  private count(edge: string, time: number, invalid: boolean): void {
    let counter = this.counters.get(edge);
    if (!counter) this.counters.set(edge, (counter = { count: 0, invalid: 0, lastTime: 0, recent: [] }));
    counter.count++;
    if (invalid) counter.invalid++;
    counter.lastTime = Math.max(counter.lastTime, time);
    counter.recent.push(time);
    if (counter.recent.length > 10_000) counter.recent.splice(0, 5_000);
  }
}
