import type { Consumer, ConsumerMessages, Msg, MsgHdrs, NatsConnection, Subscription } from 'nats';
import type { JsonObject } from '../model/eventModel';
import { wildcardOf } from './servers';
import type { Tap, TapChannel, TapHandlers, TapOptions } from './types';

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The JetStream stream a channel's NATS binding names (`x-jetstream: { stream }`), if any. */
export function jetStreamOf(channel: TapChannel): string | undefined {
  const nats = isObject(channel.bindings?.nats) ? channel.bindings.nats : undefined;
  const jetstream = isObject(nats?.['x-jetstream']) ? nats['x-jetstream'] : undefined;
  return typeof jetstream?.stream === 'string' ? jetstream.stream : undefined;
}

/**
 * NATS: a plain subscription per channel subject, never in the channel's queue group, so queue workers
 * keep every message. Channels whose binding names a JetStream stream get an ordered consumer instead:
 * ephemeral, unacknowledged, starting at new messages, and deleted from the server when the tap detaches.
 */
export class NatsTap implements Tap {
  /** JetStream channels whose stream the server did not have at the last connect. */
  skipped: { address: string; reason: string }[] = [];
  private connection?: NatsConnection;
  private readonly subjects: { subject: string; stream?: string; address: string }[];
  private readonly listening: string[] = [];
  private readonly active: (Subscription | ConsumerMessages)[] = [];
  private readonly consumers: Consumer[] = [];
  private closing = false;

  constructor(private readonly options: TapOptions) {
    const seen = new Set<string>();
    this.subjects = [];
    for (const channel of options.channels) {
      const subject = wildcardOf(channel.address, '.', '*', '>');
      const stream = jetStreamOf(channel);
      const key = `${stream ?? ''}\0${subject}`;
      if (!seen.has(key)) this.subjects.push({ subject, stream, address: channel.address });
      seen.add(key);
    }
  }

  async connect(handlers: TapHandlers): Promise<void> {
    const nats = await import('nats');
    const { endpoint, credentials } = this.options;
    this.closing = false;
    const connection = await nats.connect({
      servers: `${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port ?? 4222}`,
      name: this.options.clientId ?? 'eventscope-tap',
      // The tap owns reconnection, so it can mark the gap.
      reconnect: false,
      timeout: 10_000,
      user: credentials?.username,
      pass: credentials?.password,
      token: credentials?.token,
      tls: endpoint.tls ? { ca: credentials?.ca, cert: credentials?.cert, key: credentials?.key } : undefined,
    });
    this.connection = connection;
    void connection.closed().then((error) => {
      // A connection replaced or closed on purpose is no loss.
      if (this.closing || this.connection !== connection) return;
      this.active.length = 0;
      handlers.lost(error ? error.message : 'connection closed');
    });
    const deliver = (message: Msg | { subject: string; data: Uint8Array; headers?: MsgHdrs }): void => {
      let headers: Record<string, unknown> | undefined;
      if (message.headers) {
        headers = {};
        for (const key of message.headers.keys()) headers[key] = message.headers.get(key);
      }
      handlers.message({ topic: message.subject, body: Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength), headers });
    };
    this.skipped = [];
    this.listening.length = 0;
    for (const { subject, stream, address } of this.subjects) {
      if (stream) {
        try {
          // The server drops the consumer itself if a tap vanishes without detaching.
          const consumer = await connection.jetstream().consumers.get(stream, { filterSubjects: subject, deliver_policy: nats.DeliverPolicy.New, inactive_threshold: 30_000 });
          this.consumers.push(consumer);
          this.active.push(await consumer.consume({ callback: (message) => deliver(message) }));
          this.listening.push(`${stream}:${subject}`);
        } catch (error) {
          this.skipped.push({ address, reason: `no JetStream consumer on stream ${stream}: ${(error as Error).message}` });
        }
        continue;
      }
      this.active.push(connection.subscribe(subject, { callback: (error, message) => !error && deliver(message) }));
      this.listening.push(subject);
    }
    // The server has the subscriptions once a round trip has passed.
    await connection.flush();
  }

  subscriptions(): string[] {
    return this.connection && !this.connection.isClosed() ? [...this.listening] : [];
  }

  async close(): Promise<void> {
    this.closing = true;
    const connection = this.connection;
    this.connection = undefined;
    const open = connection !== undefined && !connection.isClosed();
    for (const subscription of this.active.splice(0)) {
      if ('unsubscribe' in subscription) subscription.unsubscribe();
      else if (open) await subscription.close();
    }
    // An ordered consumer outlives its messages' iterator on the server: it is deleted here.
    for (const consumer of this.consumers.splice(0)) if (open) await consumer.delete().catch(() => false);
    if (open) await connection.close();
  }
}
