import { Contract, ValidatorCache } from '../broker/contract';
import type { LoadedDocument } from '../broker/types';
import type { Logger } from '../logger';
import type { TraceStore } from '../trace/store';
import { AmqpTap } from './amqpTap';
import { KafkaTap } from './kafkaTap';
import { MqttTap } from './mqttTap';
import { NatsTap } from './natsTap';
import { channelsOn, resolveEndpoint, ServerError } from './servers';
import { TapSession, type Backoff } from './session';
import type { Tap, TapCredentials, TapOptions } from './types';

export { listServers, resolveEndpoint, serverVariables, ServerError, TAP_PROTOCOLS } from './servers';
export { TapSession, type TapStatus } from './session';
export type * from './types';

export function createTap(options: TapOptions): Tap {
  switch (options.endpoint.protocol) {
    case 'mqtt':
      return new MqttTap(options);
    case 'amqp':
      return new AmqpTap(options);
    case 'nats':
      return new NatsTap(options);
    case 'kafka':
      return new KafkaTap(options);
  }
}

export interface AttachOptions {
  documents: readonly LoadedDocument[];
  server: string;
  variables?: Readonly<Record<string, string>>;
  credentials?: TapCredentials;
  /** TLS whatever the protocol says; undefined follows the protocol (`mqtts`, `amqps`…). */
  tls?: boolean;
  from?: TapOptions['from'];
  trace: TraceStore;
  logger?: Logger;
  backoff?: Backoff;
}

/**
 * Resolves the server of the documents, builds the tap for its protocol over the channels available on
 * it, and attaches: the first connection's error is thrown, later losses are retried by the session.
 */
export async function attachTap(options: AttachOptions): Promise<{ session: TapSession; tap: Tap; endpoint: ReturnType<typeof resolveEndpoint> }> {
  const document = options.documents.find((candidate) => candidate.model.servers.some((server) => server.name === options.server));
  const server = document?.model.servers.find((candidate) => candidate.name === options.server);
  if (!document || !server) {
    const known = options.documents.flatMap((candidate) => candidate.model.servers.map((each) => each.name));
    throw new ServerError(`no server "${options.server}" in the documents${known.length > 0 ? ` (servers: ${known.join(', ')})` : ''}`);
  }
  const endpoint = resolveEndpoint(server, options.variables, { tls: options.tls });
  const tap = createTap({ endpoint, channels: channelsOn(document, server.name), credentials: options.credentials, from: options.from });
  const contract = new Contract(options.documents, new ValidatorCache());
  const session = new TapSession(tap, endpoint, () => contract, options.trace, { logger: options.logger, backoff: options.backoff });
  await session.attach();
  return { session, tap, endpoint };
}
