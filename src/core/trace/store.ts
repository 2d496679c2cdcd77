import { randomBytes } from 'node:crypto';
import { Journal, type BodyJson } from './journal';
import type { Delivery, TraceRecord } from './record';
import { BoundedMap, Ring } from './ring';

export interface TraceStoreOptions {
  /** Records kept in memory for the views; older ones stay in the journal only. */
  capacity?: number;
  /** Append-only JSONL of this session; none keeps the trace in memory only. */
  journalFile?: string;
  documents?: string[];
  /** Message IDs remembered for duplicate detection. */
  duplicateWindow?: number;
}

type Listener = (record: TraceRecord) => void;
type DeliveryListener = (recordId: string, delivery: Delivery) => void;

/**
 * The trace of one broker session: a bounded ring for the views, the journal for everything, and the
 * indexes that flag duplicates and link an event to the one its producer was handling.
 */
export class TraceStore {
  readonly sessionId = randomBytes(4).toString('hex');
  private readonly ring: Ring<TraceRecord>;
  private readonly byId = new Map<string, TraceRecord>();
  private readonly firstByMessageId: BoundedMap<string, string>;
  /** By correlation ID, then by trace ID: who is handling an event of that flow. */
  private readonly handlingByCorrelation = new BoundedMap<string, Handlers>(100_000);
  private readonly handlingByTrace = new BoundedMap<string, Handlers>(100_000);
  private readonly journal?: Journal;
  private readonly listeners = new Set<Listener>();
  private readonly deliveryListeners = new Set<DeliveryListener>();
  private sequence = 0;

  constructor(options: TraceStoreOptions = {}) {
    this.ring = new Ring(options.capacity ?? 10_000);
    this.firstByMessageId = new BoundedMap(options.duplicateWindow ?? 100_000);
    if (options.journalFile) {
      this.journal = new Journal(options.journalFile, { id: this.sessionId, started: Date.now(), documents: options.documents ?? [] });
    }
  }

  get capacity(): number {
    return this.ring.capacity;
  }

  get size(): number {
    return this.ring.size;
  }

  get journalFile(): string | undefined {
    return this.journal?.file;
  }

  nextId(): string {
    return `${this.sessionId}-${(++this.sequence).toString(36)}`;
  }

  /**
   * Adds an event: flags a duplicate message ID, links it to its cause, keeps and journals it. `body` is
   * the JSON the record's headers and payload were parsed from, if the caller has it (see `BodyJson`).
   */
  add(record: TraceRecord, body?: BodyJson): TraceRecord {
    const messageId = record.correlation.messageId;
    if (messageId && record.origin !== 'replay' && record.origin !== 'redrive') {
      const first = this.firstByMessageId.get(messageId);
      if (first) record.duplicateOf = first;
      else this.firstByMessageId.set(messageId, record.id);
    }
    if (!record.causedBy) {
      const { correlationId, traceId } = record.correlation;
      const cause =
        (correlationId && this.handlingByCorrelation.get(correlationId)?.get(record.producer)) || (traceId && this.handlingByTrace.get(traceId)?.get(record.producer));
      if (cause) record.causedBy = cause;
    }
    const evicted = this.ring.push(record);
    if (evicted) this.byId.delete(evicted.id);
    this.byId.set(record.id, record);
    this.journal?.appendEvent(record, body);
    for (const listener of this.listeners) listener(record);
    return record;
  }

  addDelivery(recordId: string, delivery: Delivery): void {
    const record = this.byId.get(recordId);
    if (record) this.addDeliveryTo(record, delivery);
    else this.recordDelivery(recordId, delivery);
  }

  /** `addDelivery` for a caller that holds the record, which may have left the ring since. */
  addDeliveryTo(record: TraceRecord, delivery: Delivery): void {
    record.deliveries.push(delivery);
    if (delivery.outcome === 'sent') {
      const { correlationId, traceId } = record.correlation;
      if (correlationId) handling(this.handlingByCorrelation, correlationId, delivery.consumer, record.id);
      if (traceId) handling(this.handlingByTrace, traceId, delivery.consumer, record.id);
    }
    this.recordDelivery(record.id, delivery);
  }

  private recordDelivery(recordId: string, delivery: Delivery): void {
    this.journal?.appendDelivery(recordId, delivery);
    for (const listener of this.deliveryListeners) listener(recordId, delivery);
  }

  /** Calls back once everything added so far is in the journal (at once without one). */
  whenWritten(callback: () => void): void {
    if (this.journal) this.journal.whenWritten(callback);
    else callback();
  }

  get(id: string): TraceRecord | undefined {
    return this.byId.get(id);
  }

  records(): TraceRecord[] {
    return this.ring.toArray();
  }

  onRecord(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  onDelivery(listener: DeliveryListener): { dispose(): void } {
    this.deliveryListeners.add(listener);
    return { dispose: () => this.deliveryListeners.delete(listener) };
  }

  flush(): void {
    this.journal?.flush();
  }

  close(): void {
    this.journal?.close();
  }
}

/** The clients handling an event of one flow: each client with the latest event of the flow it received. */
type Handlers = Map<string, string>;

/** `client` received `event` of the flow `id`, which it is now handling. */
function handling(flows: BoundedMap<string, Handlers>, id: string, client: string, event: string): void {
  const handlers = flows.get(id);
  if (handlers) handlers.set(client, event);
  else flows.set(id, new Map([[client, event]]));
}
