import type { CorrelationKeys } from './record';
import { BoundedMap } from './ring';

/** The clients handling an event of one flow: each client with the latest event of the flow it received. */
type Handlers = Map<string, string>;

/**
 * Which event each client is handling, per flow (correlation ID, trace ID), so that what it publishes
 * next links to it. Most consumers (loggers, dashboards, sinks) never publish, and indexing each of their
 * receptions by flow cost more than the rest of a delivery's trace; so a client that has not published
 * yet only has its receptions queued, and its first publish indexes them, in order, before it looks up
 * its cause. Once a client has published, its receptions are indexed as they come.
 */
export class CausalityIndex {
  private readonly byCorrelation: BoundedMap<string, Handlers>;
  private readonly byTrace: BoundedMap<string, Handlers>;
  /** Clients that have published: their receptions are indexed as they come. */
  private readonly publishers: BoundedMap<string, true>;
  private readonly queue: ReceptionQueue;

  constructor(limit = 100_000) {
    this.byCorrelation = new BoundedMap(limit);
    this.byTrace = new BoundedMap(limit);
    this.publishers = new BoundedMap(limit);
    this.queue = new ReceptionQueue(limit);
  }

  /** `client` received the event `id`, of the flows in `keys`. */
  received(client: string, id: string, keys: CorrelationKeys): void {
    const { correlationId, traceId } = keys;
    if (!correlationId && !traceId) return;
    if (this.publishers.has(client)) this.index(client, id, correlationId, traceId);
    else this.queue.push(client, id, correlationId, traceId);
  }

  /** The event `client` was handling when it published one of the flows in `keys`, if any; `client` counts as a publisher from now on. */
  causeOf(client: string, keys: CorrelationKeys): string | undefined {
    if (!this.publishers.has(client)) {
      this.queue.drain(client, (id, correlationId, traceId) => this.index(client, id, correlationId, traceId));
      this.publishers.set(client, true);
    }
    const { correlationId, traceId } = keys;
    return (correlationId && this.byCorrelation.get(correlationId)?.get(client)) || (traceId && this.byTrace.get(traceId)?.get(client)) || undefined;
  }

  private index(client: string, id: string, correlationId: string | undefined, traceId: string | undefined): void {
    if (correlationId) handling(this.byCorrelation, correlationId, client, id);
    if (traceId) handling(this.byTrace, traceId, client, id);
  }
}

function handling(flows: BoundedMap<string, Handlers>, flow: string, client: string, event: string): void {
  const handlers = flows.get(flow);
  if (handlers) handlers.set(client, event);
  else flows.set(flow, new Map([[client, event]]));
}

/** Receptions of clients that have not published, oldest first, in parallel arrays: no object per reception. */
class ReceptionQueue {
  private readonly clients: (string | undefined)[] = [];
  private readonly ids: string[] = [];
  private readonly correlationIds: (string | undefined)[] = [];
  private readonly traceIds: (string | undefined)[] = [];
  private next = 0;

  constructor(private readonly limit: number) {}

  push(client: string, id: string, correlationId: string | undefined, traceId: string | undefined): void {
    const slot = this.next;
    this.next = (slot + 1) % this.limit;
    this.clients[slot] = client;
    this.ids[slot] = id;
    this.correlationIds[slot] = correlationId;
    this.traceIds[slot] = traceId;
  }

  /** Hands `client`'s receptions to `take`, oldest first, and forgets them. */
  drain(client: string, take: (id: string, correlationId: string | undefined, traceId: string | undefined) => void): void {
    const filled = this.clients.length;
    // Oldest first: once the queue has wrapped, the oldest slot is the next one to be written.
    const start = filled < this.limit ? 0 : this.next;
    for (let step = 0; step < filled; step++) {
      const slot = (start + step) % filled;
      if (this.clients[slot] !== client) continue;
      this.clients[slot] = undefined;
      take(this.ids[slot] ?? '', this.correlationIds[slot], this.traceIds[slot]);
    }
  }
}
