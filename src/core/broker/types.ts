import type { Logger } from '../logger';
import type { EventModel } from '../model/eventModel';
import type { TraceRecord } from '../trace/record';
import type { TraceStore } from '../trace/store';

/** What happens to a message that does not match the contract (or matches no channel). */
export type InvalidPolicy = 'pass' | 'reject' | 'dlq';

export interface BrokerOptions {
  /** Interface every listener binds to; loopback unless the user opens it up. */
  host?: string;
  /** 0 picks a free port; undefined leaves that listener off. */
  mqttPort?: number;
  wsPort?: number;
  httpPort?: number;
  username?: string;
  password?: string;
  onInvalid?: InvalidPolicy;
  /** Largest accepted message body in bytes; bigger ones are refused and traced with the reason. */
  maxMessageBytes?: number;
  /** Bytes a consumer may leave unread before it is disconnected, so it cannot stall the others. */
  maxUnreadBytes?: number;
  /** QoS 1 deliveries to one consumer before the message goes to `$dlq/<address>` instead. */
  maxDeliveries?: number;
  documents?: readonly LoadedDocument[];
  trace: TraceStore;
  logger?: Logger;
}

/** One AsyncAPI document as the broker sees it: its model and a version that changes with its text. */
export interface LoadedDocument {
  file: string;
  version: string;
  model: EventModel;
}

export interface ListeningPorts {
  mqtt?: number;
  ws?: number;
  http?: number;
}

/** A message entering the broker from any transport, before it is matched and validated. */
export interface IncomingMessage {
  topic: string;
  body: Buffer;
  /** Size as received, when the transport stopped keeping an oversized body. */
  size?: number;
  /** Headers that came outside the body (HTTP); MQTT 3.1.1 headers travel in the envelope instead. */
  headers?: Record<string, unknown>;
  qos?: 0 | 1;
  retain?: boolean;
  producer: string;
  origin?: TraceRecord['origin'];
  replayOf?: string;
}

export interface PublishOutcome {
  record: TraceRecord;
  /** False when the policy (or the size limit) kept the message from its channel. */
  delivered: boolean;
  /** Where it went: the topic itself, or its dead-letter topic. */
  topic?: string;
}

export interface DeadLetter {
  id: string;
  /** The topic the message was published to; redrive sends it back there. */
  topic: string;
  reason: string;
  time: number;
  body: Buffer;
  recordId: string;
}

/**
 * The broker behind Eventscope: aedes (MQTT 3.1.1) today. Everything the extension and the CLI use goes
 * through this interface, so an MQTT 5 broker can take its place without touching them.
 */
export interface EventBroker {
  start(): Promise<ListeningPorts>;
  readonly ports: ListeningPorts;
  /** Replaces the contract; validators are compiled once per document version. */
  setDocuments(documents: readonly LoadedDocument[]): void;
  publish(message: IncomingMessage): Promise<PublishOutcome>;
  /** Publishes recorded events again, to their own topic or to `topic`; returns the new records. */
  replay(records: readonly TraceRecord[], options?: { topic?: string }): Promise<TraceRecord[]>;
  deadLetters(): readonly DeadLetter[];
  redrive(id: string): Promise<PublishOutcome | undefined>;
  deleteDeadLetter(id: string): boolean;
  connectedClients(): string[];
  /** Called whenever a client connects or disconnects. */
  onClientsChanged(listener: (clients: readonly string[]) => void): { dispose(): void };
  /** Stops every listener and flushes the trace. */
  close(): Promise<void>;
}
