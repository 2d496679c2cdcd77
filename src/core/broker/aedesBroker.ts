import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { Aedes, AedesPublishPacket, Client, PublishPacket } from 'aedes' with { 'resolution-mode': 'import' };
import type { Writable } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { silentLogger, type Logger } from '../logger';
import { BodyBackedRecord, correlationKeys, type RecordFields, type TraceRecord, type ValidationError } from '../trace/record';
import { BoundedMap } from '../trace/ring';
import type { TraceStore } from '../trace/store';
import { Contract, ValidatorCache } from './contract';
import { bodyJson, decodeText, encodeBody } from './envelope';
import { handleHttp } from './http';
import { watchPacketSizes } from './packetGuard';
import { SharedSubscriptions } from './shared';
import { DLQ_PREFIX, dlqTopic, parseShared } from './topics';
import type { BrokerOptions, DeadLetter, EventBroker, IncomingMessage, InvalidPolicy, ListeningPorts, LoadedDocument, PublishOutcome } from './types';

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DELIVERIES = 5;
export const DEFAULT_MAX_UNREAD_BYTES = 8 * 1024 * 1024;
const DEAD_LETTER_LIMIT = 10_000;

/** aedes's `publish` as its protocol handlers call it; its typings name only the two-argument form. */
type AedesPublish = (packet: PublishPacket, client: Client | null, done?: (error?: Error) => void) => void;
type Subscriptions = Record<string, { func: (packet: AedesPublishPacket, callback: () => void) => void } | undefined>;

/**
 * A packet's trace record rides on its payload buffer, which aedes shares among every copy it makes of the
 * packet: a property costs the garbage collector nothing, where a WeakMap entry per message costs it much,
 * and each delivery finds its record without a lookup. A packet aedes keeps (retained, or queued for an
 * offline session) keeps its record, as it keeps the body.
 */
const RECORD = Symbol('eventscope.record');
type TracedPayload = Buffer & { [RECORD]?: TraceRecord };
const recordOf = (payload: unknown): TraceRecord | undefined => (Buffer.isBuffer(payload) ? (payload as TracedPayload)[RECORD] : undefined);

interface Decision {
  record: TraceRecord;
  /** Where the body goes: its own topic, its dead-letter topic, or nowhere. */
  route: 'deliver' | 'dlq' | 'drop';
  body: Buffer;
}

/** Creates the aedes-backed broker; nothing listens until `start()`. */
export function createAedesBroker(options: BrokerOptions): EventBroker {
  return new AedesEventBroker(options);
}

class AedesEventBroker implements EventBroker {
  readonly ports: ListeningPorts = {};
  private aedes?: Aedes;
  private tcp?: TcpServer;
  private wsHttp?: HttpServer;
  private wss?: WebSocketServer;
  private http?: HttpServer;
  private readonly validators = new ValidatorCache();
  private contract: Contract;
  private readonly trace: TraceStore;
  private readonly log: Logger;
  private readonly policy: InvalidPolicy;
  private readonly maxBytes: number;
  private readonly maxDeliveries: number;
  private readonly shared = new SharedSubscriptions();
  /** Client packets the policy keeps from their channel; the wrapped `publish` acknowledges and drops them. */
  private readonly dropped = new WeakSet<object>();
  private readonly attempts = new BoundedMap<string, number>(100_000);
  private readonly letters: DeadLetter[] = [];
  private readonly clients = new Set<string>();
  private readonly clientListeners = new Set<(clients: readonly string[]) => void>();
  private letterSequence = 0;
  private readonly isConnected = (clientId: string): boolean => this.clients.has(clientId);

  constructor(private readonly options: BrokerOptions) {
    this.trace = options.trace;
    this.log = options.logger ?? silentLogger;
    this.policy = options.onInvalid ?? 'pass';
    this.maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.maxDeliveries = options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES;
    this.contract = new Contract(options.documents ?? [], this.validators);
  }

  async start(): Promise<ListeningPorts> {
    // aedes is an ES module and only needed once a broker runs.
    const { Aedes } = await import('aedes');
    const aedes = await Aedes.createBroker({
      // A consumer that stops reading is cut off instead of stalling every other delivery.
      drainTimeout: 10_000,
      // A socket that never sends a valid CONNECT is closed soon: everything here is local.
      connectTimeout: 10_000,
      concurrency: 1000,
      heartbeatInterval: 3_600_000,
    });
    this.aedes = aedes;
    this.installHooks(aedes);
    const host = this.options.host ?? '127.0.0.1';
    if (this.options.mqttPort !== undefined) {
      // Messages a little over the limit are refused and traced; far over it, the connection is closed before they are buffered.
      const hardLimit = Math.max(this.maxBytes * 4, this.maxBytes + 64 * 1024);
      this.tcp = createTcpServer((socket) => {
        watchPacketSizes(socket, hardLimit, (declared) => {
          this.log.warn(`closed a connection from ${socket.remoteAddress ?? '?'} that announced a ${declared}-byte packet (limit ${this.maxBytes})`);
          socket.destroy();
        });
        aedes.handle(this.guardSlowConsumer(socket));
      });
      this.ports.mqtt = await listen(this.tcp, this.options.mqttPort, host);
    }
    if (this.options.wsPort !== undefined) {
      this.wsHttp = createHttpServer((_request, response) => response.writeHead(426).end('MQTT over WebSocket only\n'));
      this.wss = new WebSocketServer({
        server: this.wsHttp,
        // Oversized frames close the connection before they are buffered whole.
        maxPayload: Math.max(this.maxBytes * 4, this.maxBytes + 64 * 1024),
        handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false),
      });
      this.wss.on('connection', (socket, request) => {
        const stream = createWebSocketStream(socket);
        stream.on('error', (error) => this.log.debug(`websocket: ${error.message}`));
        aedes.handle(this.guardSlowConsumer(stream), request);
      });
      this.ports.ws = await listen(this.wsHttp, this.options.wsPort, host);
    }
    if (this.options.httpPort !== undefined) {
      this.http = createHttpServer((request, response) => {
        handleHttp(this, request, response, {
          maxBytes: this.maxBytes,
          username: this.options.username,
          password: this.options.password,
          headerNames: (topic) => this.contract.match(topic)?.channel.headerNames,
          log: this.log,
        }).catch((error: unknown) => {
          this.log.error('HTTP publish failed', error);
          if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: 'internal error' }));
        });
      });
      this.ports.http = await listen(this.http, this.options.httpPort, host);
    }
    this.log.info(`broker listening on ${host}: mqtt=${this.ports.mqtt ?? '-'} ws=${this.ports.ws ?? '-'} http=${this.ports.http ?? '-'}`);
    return this.ports;
  }

  setDocuments(documents: readonly LoadedDocument[]): void {
    const same =
      documents.length === this.contract.documents.length &&
      documents.every((document, index) => document.file === this.contract.documents[index]?.file && document.version === this.contract.documents[index]?.version);
    if (same) return;
    this.contract = new Contract(documents, this.validators);
    this.validators.sweep();
    this.log.info(`broker contract: ${this.contract.channels().length} channels from ${documents.length} documents`);
  }

  connectedClients(): string[] {
    return [...this.clients];
  }

  onClientsChanged(listener: (clients: readonly string[]) => void): { dispose(): void } {
    this.clientListeners.add(listener);
    return { dispose: () => this.clientListeners.delete(listener) };
  }

  private clientsChanged(): void {
    const clients = [...this.clients];
    for (const listener of this.clientListeners) listener(clients);
  }

  /**
   * aedes finishes a publish only once every consumer's socket has drained, so one consumer that stops
   * reading would stall all producers until `drainTimeout`. Writes report no backpressure instead, and a
   * consumer whose unread bytes pass the limit is disconnected (its QoS 1 messages wait in its session).
   */
  private guardSlowConsumer<T extends Writable>(stream: T): T {
    const limit = this.options.maxUnreadBytes ?? DEFAULT_MAX_UNREAD_BYTES;
    const write = stream.write.bind(stream) as (chunk: unknown, encoding?: unknown, callback?: unknown) => boolean;
    // Fixed arity: mqtt-packet writes each packet in several pieces, and rest parameters would allocate for each.
    stream.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
      write(chunk, encoding, callback);
      if (stream.writableLength > limit && !stream.destroyed) {
        this.log.warn(`disconnected a consumer that left ${stream.writableLength} bytes unread (limit ${limit})`);
        stream.destroy();
      }
      return true;
    }) as T['write'];
    return stream;
  }

  deadLetters(): readonly DeadLetter[] {
    return this.letters;
  }

  deleteDeadLetter(id: string): boolean {
    const index = this.letters.findIndex((letter) => letter.id === id);
    if (index < 0) return false;
    this.letters.splice(index, 1);
    return true;
  }

  async redrive(id: string): Promise<PublishOutcome | undefined> {
    const letter = this.letters.find((candidate) => candidate.id === id);
    if (!letter) return undefined;
    this.deleteDeadLetter(id);
    return this.publish({ topic: letter.topic, body: letter.body, qos: 1, producer: 'eventscope:redrive', origin: 'redrive', replayOf: letter.recordId });
  }

  async replay(records: readonly TraceRecord[], options: { topic?: string } = {}): Promise<TraceRecord[]> {
    const replayed: TraceRecord[] = [];
    for (const record of records) {
      if (record.payload === undefined) continue;
      const body = encodeBody(record.headers ?? {}, record.payload, record.payloadIsText);
      const outcome = await this.publish({
        topic: options.topic ?? record.topic,
        body,
        qos: record.qos > 0 ? 1 : 0,
        producer: 'eventscope:replay',
        origin: 'replay',
        replayOf: record.id,
      });
      replayed.push(outcome.record);
    }
    return replayed;
  }

  /** Publishes from outside MQTT (HTTP, replay, redrive): the same checks as a client's publish. */
  async publish(message: IncomingMessage): Promise<PublishOutcome> {
    const aedes = this.requireAedes();
    const decision = this.decide(message);
    await new Promise<void>((resolve) => this.trace.whenWritten(resolve));
    if (decision.route === 'drop') return { record: decision.record, delivered: false };
    const topic = decision.route === 'dlq' ? dlqTopic(message.topic) : message.topic;
    (decision.body as TracedPayload)[RECORD] = decision.record;
    await new Promise<void>((resolve, reject) =>
      aedes.publish({ cmd: 'publish', topic, payload: decision.body, qos: message.qos ?? 0, retain: message.retain ?? false, dup: false }, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    return { record: decision.record, delivered: decision.route === 'deliver', topic };
  }

  async close(): Promise<void> {
    const aedes = this.aedes;
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    for (const client of this.wss?.clients ?? []) client.terminate();
    await Promise.all([this.tcp, this.wsHttp, this.http].map((server) => closeServer(server)));
    this.wss?.close();
    this.trace.flush();
    this.aedes = undefined;
  }

  /** Size limit, channel and message matching, validation, policy, trace: one decision per message. */
  private decide(message: IncomingMessage): Decision {
    const size = message.size ?? message.body.length;
    if (size > this.maxBytes) {
      const reason = `message of ${size} bytes exceeds the limit of ${this.maxBytes} bytes`;
      this.log.warn(`refused ${message.topic} from ${message.producer}: ${reason}`);
      const fields = this.record(message, size, {
        validation: { valid: false, checked: false, errors: [{ part: 'size', instancePath: '', message: reason }] },
        disposition: 'refused',
        correlation: {},
      });
      const record = this.trace.add({ ...fields, headers: message.headers });
      return { record, route: 'drop', body: message.body };
    }
    const decoded = decodeText(message.body.toString('utf8'));
    const headers = message.headers ? { ...decoded.headers, ...message.headers } : decoded.headers;
    const check = this.contract.check(message.topic, headers, decoded.payload, decoded.json);
    const valid = check.validation.valid;
    const route = valid || this.policy === 'pass' ? 'deliver' : this.policy === 'dlq' ? 'dlq' : 'drop';
    const outcome = {
      channel: check.channel?.address,
      params: check.params,
      message: check.message?.name,
      document: check.message?.document,
      payloadIsText: decoded.json ? undefined : true,
      validation: check.validation,
      disposition: route === 'deliver' ? 'delivered' : route === 'dlq' ? 'dead-lettered' : 'rejected',
      correlation: correlationKeys(headers, decoded.payload, check.message?.correlationLocation),
    } as const;
    // Headers that came with the body stay in it until read; HTTP headers are kept as given.
    const fields = this.record(message, size, outcome);
    const record = this.trace.add(
      !message.headers && decoded.json
        ? new BodyBackedRecord(fields, message.body, decoded.envelope)
        : { ...fields, headers: Object.keys(headers).length > 0 ? headers : undefined, payload: decoded.payload },
      message.headers ? undefined : bodyJson(message.body, decoded),
    );
    // HTTP headers reach MQTT consumers in the envelope; MQTT bodies pass unchanged.
    const body = message.headers && Object.keys(message.headers).length > 0 ? encodeBody(headers, decoded.payload, !decoded.json) : message.body;
    if (route === 'dlq') this.addDeadLetter(message.topic, body, describe(check.validation.errors), record.id);
    else if (route === 'drop') this.log.debug(`rejected ${message.topic} from ${message.producer}: ${describe(check.validation.errors)}`);
    return { record, route, body };
  }

  /** A record's fields besides headers and payload, in one object literal of one shape. */
  private record(message: IncomingMessage, size: number, outcome: Pick<TraceRecord, 'validation' | 'disposition' | 'correlation'> & Partial<RecordFields>): RecordFields {
    return {
      id: this.trace.nextId(),
      time: Date.now(),
      topic: message.topic,
      channel: outcome.channel,
      params: outcome.params,
      message: outcome.message,
      document: outcome.document,
      producer: message.producer,
      origin: message.origin ?? 'mqtt',
      replayOf: message.replayOf,
      qos: message.qos ?? 0,
      size,
      payloadIsText: outcome.payloadIsText,
      validation: outcome.validation,
      disposition: outcome.disposition,
      correlation: outcome.correlation,
      deliveries: [],
    };
  }

  private addDeadLetter(topic: string, body: Buffer, reason: string, recordId: string): void {
    this.letters.push({ id: `dlq-${++this.letterSequence}`, topic, reason, time: Date.now(), body, recordId });
    if (this.letters.length > DEAD_LETTER_LIMIT) this.letters.shift();
  }

  private requireAedes(): Aedes {
    if (!this.aedes) throw new Error('the broker is not running');
    return this.aedes;
  }

  private installHooks(aedes: Aedes): void {
    const { username, password } = this.options;
    if (username !== undefined || password !== undefined) {
      aedes.authenticate = (_client, user, pass, done) => {
        const ok = sameSecret(user ?? '', username ?? '') && sameSecret(pass?.toString('utf8') ?? '', password ?? '');
        if (ok) done(null, true);
        else done(Object.assign(new Error('bad username or password'), { returnCode: 4 as const }), false);
      };
    }

    aedes.authorizePublish = (client, packet, done) => {
      if (packet.topic.startsWith('$SYS/')) return done(new Error('$SYS/ topics are reserved'));
      if (packet.topic.startsWith(DLQ_PREFIX)) return done(new Error(`${DLQ_PREFIX} topics are written by the broker only`));
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      const decision = this.decide({
        topic: packet.topic,
        body: payload,
        qos: packet.qos > 0 ? 1 : 0,
        retain: packet.retain,
        producer: client?.id ?? 'unknown',
        origin: 'mqtt',
      });
      (payload as TracedPayload)[RECORD] = decision.record;
      if (decision.route === 'drop') this.dropped.add(packet);
      else if (decision.route === 'dlq') packet.topic = dlqTopic(packet.topic);
      // The client is acknowledged (and the message routed) only once its record is in the journal.
      this.trace.whenWritten(() => done(null));
    };

    const publish = (aedes.publish as unknown as AedesPublish).bind(aedes);
    (aedes as unknown as { publish: AedesPublish }).publish = (packet, client, done) => {
      if (this.dropped.has(packet)) {
        this.dropped.delete(packet);
        done?.();
        return;
      }
      publish(packet, client, done);
    };

    aedes.authorizeSubscribe = (client, subscription, done) => {
      const share = parseShared(subscription.topic);
      if (share) {
        this.shared.join(client.id, share.group, share.filter);
        // aedes stores the `$share/...` topic for the session and routes on the plain filter.
        done(null, { ...subscription, topic: share.filter });
        return;
      }
      this.shared.subscribeDirect(client.id, subscription.topic);
      done(null, subscription);
    };

    aedes.on('unsubscribe', (topics, client) => {
      for (const topic of topics) {
        const share = parseShared(topic);
        if (!share) {
          this.shared.unsubscribeDirect(client.id, topic);
          continue;
        }
        this.shared.leave(client.id, share.group, share.filter);
        // aedes looked for a `$share/...` subscription and found none: the plain one it routes on goes here.
        const subscriptions = (client as unknown as { subscriptions: Subscriptions }).subscriptions;
        const routed = subscriptions[share.filter];
        if (routed && !this.shared.hasSharedFilter(client.id, share.filter)) {
          aedes.unsubscribe(share.filter, routed.func, () => undefined);
          delete subscriptions[share.filter];
        }
      }
    });

    aedes.authorizeForward = (client, packet) => {
      if (packet.topic.startsWith('$SYS/')) return packet;
      // Most consumers are in no group: they skip building the message key.
      if (this.shared.inGroup(client.id) && !this.shared.allows(client.id, packet.topic, `${packet.brokerId}:${packet.brokerCounter}`, this.isConnected)) return null;
      const record = recordOf(packet.payload);
      if (!record) return packet;
      let attempt: number | undefined;
      if (packet.qos > 0) {
        const key = `${client.id}\0${record.id}`;
        attempt = (this.attempts.get(key) ?? 0) + 1;
        if (attempt > this.maxDeliveries) {
          this.attempts.delete(key);
          this.deadLetterAfterRetries(packet, client.id, record);
          return null;
        }
        this.attempts.set(key, attempt);
      }
      this.trace.addDeliveryTo(record, { consumer: client.id, time: Date.now(), qos: packet.qos, outcome: 'sent', attempt });
      return packet;
    };

    aedes.on('ack', (packet, client) => {
      // aedes passes no packet for clean sessions, which keep no outgoing store.
      if (!packet || !('payload' in packet)) return;
      const record = recordOf(packet.payload);
      if (!record) return;
      this.attempts.delete(`${client.id}\0${record.id}`);
      this.trace.addDeliveryTo(record, { consumer: client.id, time: Date.now(), qos: 1, outcome: 'acked' });
    });

    aedes.on('client', (client) => {
      this.clients.add(client.id);
      this.clientsChanged();
    });
    aedes.on('clientDisconnect', (client) => {
      this.clients.delete(client.id);
      if (client.clean) this.shared.forget(client.id);
      this.clientsChanged();
    });
    aedes.on('clientError', (client, error) => this.log.debug(`client ${client.id}: ${error.message}`));
    aedes.on('connectionError', (_client, error) => this.log.debug(`connection: ${error.message}`));
  }

  /** A QoS 1 message one consumer failed to acknowledge `maxDeliveries` times goes to the dead-letter topic. */
  private deadLetterAfterRetries(packet: AedesPublishPacket, consumer: string, record: TraceRecord): void {
    const reason = `not acknowledged by ${consumer} after ${this.maxDeliveries} deliveries`;
    this.log.warn(`dead-lettered ${packet.topic}: ${reason}`);
    this.trace.addDeliveryTo(record, { consumer, time: Date.now(), qos: packet.qos, outcome: 'dead-lettered', attempt: this.maxDeliveries + 1 });
    const body = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    this.addDeadLetter(packet.topic, body, reason, record.id);
    this.aedes?.publish({ cmd: 'publish', topic: dlqTopic(packet.topic), payload: body, qos: 1, retain: false, dup: false }, () => undefined);
  }
}

function describe(errors: readonly ValidationError[]): string {
  return errors.map((error) => `${error.part}${error.instancePath} ${error.message}`).join('; ');
}

function sameSecret(actual: string, expected: string): boolean {
  const a = Buffer.from(actual);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function listen(server: TcpServer | HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: TcpServer | HttpServer | undefined): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  if ('closeAllConnections' in server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
