import { bodyJson, decodeBody } from '../broker/envelope';
import type { Contract } from '../broker/contract';
import { silentLogger, type Logger } from '../logger';
import { correlationKeys, type TraceRecord } from '../trace/record';
import type { TraceStore } from '../trace/store';
import type { Tap, TapEndpoint, TappedMessage } from './types';

export interface TapStatus {
  server: string;
  state: 'connecting' | 'connected' | 'reconnecting' | 'detached';
  messages: number;
  invalid: number;
  /** Failed connection attempts since the connection was lost; 0 while connected. */
  attempts: number;
  /** Connections lost since attaching. */
  reconnects: number;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 250, maxMs: 30_000 };

/**
 * A tap attached to one server: every message it sees is matched and validated against the contract and
 * traced like the embedded broker's events; a lost connection is retried with exponential backoff and
 * jitter, and the time it was away becomes a `gap` record in the trace.
 */
export class TapSession {
  private status: TapStatus;
  private readonly listeners = new Set<(status: TapStatus) => void>();
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;
  private lostAt?: number;
  private lostReason = '';

  constructor(
    private readonly tap: Tap,
    private readonly endpoint: TapEndpoint,
    private readonly contract: () => Contract,
    private readonly trace: TraceStore,
    private readonly options: { logger?: Logger; backoff?: Backoff } = {},
  ) {
    this.status = { server: endpoint.server, state: 'connecting', messages: 0, invalid: 0, attempts: 0, reconnects: 0 };
  }

  get current(): TapStatus {
    return { ...this.status };
  }

  onStatus(listener: (status: TapStatus) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** The first connection: an error here (wrong host, credentials) is the caller's to report. */
  async attach(): Promise<void> {
    await this.tap.connect({ message: (message) => this.record(message), lost: (reason) => this.lost(reason) });
    this.update({ state: 'connected' });
    for (const skip of this.tap.skipped) this.log.warn(`${this.endpoint.server}: not tapping ${skip.address}: ${skip.reason}`);
  }

  /** Closes the tap and whatever it made on the server; a gap still open is traced up to now. */
  async detach(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.lostAt !== undefined) this.addGap(this.status.attempts);
    await this.tap.close();
    this.update({ state: 'detached' });
  }

  private get log(): Logger {
    return this.options.logger ?? silentLogger;
  }

  private lost(reason: string): void {
    if (this.stopped) return;
    this.lostAt ??= Date.now();
    this.lostReason = reason;
    this.log.warn(`${this.endpoint.server}: ${reason}; reconnecting`);
    this.update({ state: 'reconnecting', attempts: 0, reconnects: this.status.reconnects + 1 });
    this.schedule(0);
  }

  private schedule(attempt: number): void {
    const { initialMs, maxMs } = this.options.backoff ?? DEFAULT_BACKOFF;
    const delay = attempt === 0 ? 0 : Math.min(maxMs, initialMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
    this.retryTimer = setTimeout(() => void this.retry(attempt + 1), delay);
  }

  private async retry(attempt: number): Promise<void> {
    if (this.stopped) return;
    this.update({ attempts: attempt });
    try {
      // What the lost connection left on the client side goes first; the server dropped the rest with it.
      await this.tap.close().catch(() => undefined);
      if (this.stopped) return;
      await this.tap.connect({ message: (message) => this.record(message), lost: (reason) => this.lost(reason) });
    } catch (error) {
      this.lostReason = (error as Error).message || this.lostReason;
      if (!this.stopped) this.schedule(attempt);
      return;
    }
    if (this.stopped) {
      await this.tap.close();
      return;
    }
    this.addGap(attempt);
    this.log.info(`${this.endpoint.server}: reconnected after ${attempt} attempt(s)`);
    this.update({ state: 'connected', attempts: 0 });
  }

  private addGap(attempts: number): void {
    const from = this.lostAt ?? Date.now();
    this.lostAt = undefined;
    const to = Date.now();
    this.trace.add({
      id: this.trace.nextId(),
      time: to,
      topic: `$gap/${this.endpoint.server}`,
      producer: `eventscope:tap:${this.endpoint.server}`,
      origin: 'tap',
      qos: 0,
      size: 0,
      validation: { valid: true, checked: false, errors: [] },
      disposition: 'gap',
      gap: { from, to, reason: this.lostReason, attempts },
      correlation: {},
      deliveries: [],
    });
  }

  /** Channel and message matching, validation and correlation, as the embedded broker does for its own messages. */
  private record(message: TappedMessage): void {
    const decoded = decodeBody(message.body);
    const headers = message.headers ? { ...decoded.headers, ...message.headers } : decoded.headers;
    const check = this.contract().check(message.topic, headers, decoded.payload, decoded.json);
    const record: TraceRecord = {
      id: this.trace.nextId(),
      time: Date.now(),
      topic: message.topic,
      channel: check.channel?.address,
      params: check.params,
      message: check.message?.name,
      document: check.message?.document,
      producer: message.producer ?? 'unknown',
      origin: 'tap',
      qos: message.qos ?? 0,
      size: message.body.length,
      headers: Object.keys(headers).length > 0 ? headers : undefined,
      payload: decoded.payload,
      payloadIsText: decoded.json ? undefined : true,
      validation: check.validation,
      disposition: 'observed',
      correlation: correlationKeys(headers, decoded.payload, check.message?.correlationLocation),
      deliveries: [],
    };
    this.trace.add(record, message.headers ? undefined : bodyJson(message.body, decoded));
    this.status.messages++;
    if (!check.validation.valid) this.status.invalid++;
  }

  private update(change: Partial<TapStatus>): void {
    this.status = { ...this.status, ...change };
    for (const listener of this.listeners) listener(this.current);
  }
}
