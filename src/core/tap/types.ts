import type { ChannelNode, JsonObject } from '../model/eventModel';

export type TapProtocol = 'mqtt' | 'amqp' | 'nats' | 'kafka';

/** A server of the document with its variables filled in: where the tap connects. */
export interface TapEndpoint {
  server: string;
  protocol: TapProtocol;
  /** The protocol as the document names it (`mqtts`, `amqps`, `kafka-secure`…). */
  declaredProtocol: string;
  protocolVersion?: string;
  host: string;
  port?: number;
  pathname?: string;
  /** The document's protocol asks for TLS, or the user did. */
  tls: boolean;
  bindings?: JsonObject;
}

/** Secrets come from SecretStorage or the environment, never from settings or the document. */
export interface TapCredentials {
  username?: string;
  password?: string;
  /** NATS token. */
  token?: string;
  /** PEM texts, not paths: the caller reads the files. */
  ca?: string;
  cert?: string;
  key?: string;
  /** False accepts a certificate no CA vouches for (a developer's self-signed broker). */
  rejectUnauthorized?: boolean;
}

/** One channel the tap listens to, with the document's bindings that say how. */
export interface TapChannel {
  address: string;
  bindings?: JsonObject;
}

/** A message as a protocol module saw it, before it is matched and validated. */
export interface TappedMessage {
  topic: string;
  body: Buffer;
  /** Headers outside the body (MQTT 5 user properties, AMQP and NATS headers, Kafka headers). */
  headers?: Record<string, unknown>;
  qos?: number;
  producer?: string;
}

export interface TapHandlers {
  message(message: TappedMessage): void;
  /** The connection is gone (not by `close()`); called once per `connect()`. */
  lost(reason: string): void;
}

/**
 * A read-only subscriber on a real broker for one protocol. `connect` subscribes to every channel in the
 * way that protocol allows without taking messages from other consumers; `close` removes whatever it
 * created on the server. A tap that lost its connection is connected again with `connect`.
 */
export interface Tap {
  connect(handlers: TapHandlers): Promise<void>;
  close(): Promise<void>;
  /** What the tap holds on the server now (filters, subjects, its queue, its group), for logs and tests. */
  subscriptions(): string[];
  /** Channels it could not observe, with the reason. */
  readonly skipped: readonly { address: string; reason: string }[];
}

export interface TapOptions {
  endpoint: TapEndpoint;
  channels: readonly TapChannel[];
  credentials?: TapCredentials;
  /** Kafka: `latest` (default), `earliest`, or an offset applied to every partition. */
  from?: 'latest' | 'earliest' | bigint;
  /** Client ID prefix the broker shows for the tap. */
  clientId?: string;
}

export const channelOf = (node: ChannelNode): TapChannel | undefined => (node.address ? { address: node.address, bindings: node.bindings } : undefined);
