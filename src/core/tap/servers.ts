import type { LoadedDocument } from '../broker/types';
import type { ServerNode, ServerVariable } from '../model/eventModel';
import { channelOf, type TapChannel, type TapEndpoint, type TapProtocol } from './types';

/** Document protocol names the tap speaks, and whether they mean TLS. */
const PROTOCOLS: Record<string, { protocol: TapProtocol; tls: boolean }> = {
  mqtt: { protocol: 'mqtt', tls: false },
  mqtts: { protocol: 'mqtt', tls: true },
  'secure-mqtt': { protocol: 'mqtt', tls: true },
  amqp: { protocol: 'amqp', tls: false },
  amqps: { protocol: 'amqp', tls: true },
  nats: { protocol: 'nats', tls: false },
  tls: { protocol: 'nats', tls: true },
  kafka: { protocol: 'kafka', tls: false },
  'kafka-secure': { protocol: 'kafka', tls: true },
};

export const TAP_PROTOCOLS = Object.keys(PROTOCOLS);

const DEFAULT_PORTS: Record<TapProtocol, { plain: number; tls: number }> = {
  mqtt: { plain: 1883, tls: 8883 },
  amqp: { plain: 5672, tls: 5671 },
  nats: { plain: 4222, tls: 4222 },
  kafka: { plain: 9092, tls: 9093 },
};

/** A server of one of the documents, as the attach command lists them. */
export interface DocumentServer {
  document: LoadedDocument;
  server: ServerNode;
}

export function listServers(documents: readonly LoadedDocument[]): DocumentServer[] {
  return documents.flatMap((document) => document.model.servers.map((server) => ({ document, server })));
}

/** The variables host and pathname use, in order, with what the document declares for each. */
export function serverVariables(server: ServerNode): ServerVariable[] {
  const names = [...`${server.host}${server.pathname ?? ''}`.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');
  return [...new Set(names)].map((name) => server.variables?.find((variable) => variable.name === name) ?? { name });
}

export class ServerError extends Error {}

/** Fills in the variables (given values, else defaults) and reads host, port and TLS from the server. */
export function resolveEndpoint(server: ServerNode, values: Readonly<Record<string, string>> = {}, options: { tls?: boolean } = {}): TapEndpoint {
  const known = PROTOCOLS[server.protocol.toLowerCase()];
  if (!known) throw new ServerError(`server "${server.name}" speaks ${server.protocol || 'no protocol'}; the tap speaks ${TAP_PROTOCOLS.join(', ')}`);
  const fill = (text: string): string =>
    text.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
      const variable = server.variables?.find((candidate) => candidate.name === name);
      const value = values[name] ?? variable?.default;
      if (value === undefined) throw new ServerError(`server "${server.name}" needs a value for {${name}} (--var ${name}=…)`);
      if (variable?.enum && !variable.enum.includes(value)) throw new ServerError(`{${name}} of server "${server.name}" must be one of ${variable.enum.join(', ')}, not "${value}"`);
      return value;
    });
  let host = fill(server.host);
  let pathname = server.pathname === undefined ? undefined : fill(server.pathname);
  // 2.x servers carry a whole URL.
  const scheme = /^[a-z][a-z\d+.-]*:\/\//i.exec(host);
  if (scheme) {
    const url = new URL(host);
    host = url.host;
    if (url.pathname && url.pathname !== '/') pathname ??= decodeURIComponent(url.pathname);
  }
  const tls = options.tls ?? known.tls;
  const match = /^(\[[^\]]+\]|[^:/]+)(?::(\d+))?$/.exec(host.replace(/\/.*$/, ''));
  if (!match?.[1]) throw new ServerError(`server "${server.name}": cannot read a host from "${host}"`);
  const port = match[2] === undefined ? DEFAULT_PORTS[known.protocol][tls ? 'tls' : 'plain'] : Number(match[2]);
  return {
    server: server.name,
    protocol: known.protocol,
    declaredProtocol: server.protocol,
    protocolVersion: server.protocolVersion,
    host: match[1].replace(/^\[|\]$/g, ''),
    port,
    pathname,
    tls,
    bindings: server.bindings,
  };
}

/** The document's channels available on the server: those naming it, and those naming no server. */
export function channelsOn(document: LoadedDocument, serverName: string): TapChannel[] {
  return document.model.channels
    .filter((channel) => !channel.servers || channel.servers.length === 0 || channel.servers.includes(serverName))
    .map(channelOf)
    .filter((channel): channel is TapChannel => channel !== undefined);
}

/** `a/{id}/b` as a subscription of a protocol whose levels split at `separator`; a parameter inside a level widens the rest to `multi`. */
export function wildcardOf(address: string, separator: string, single: string, multi: string): string {
  const levels = address.split(separator);
  const out: string[] = [];
  for (const level of levels) {
    if (/^\{[^}]+\}$/.test(level)) out.push(single);
    else if (level.includes('{')) {
      out.push(multi);
      break;
    } else out.push(level);
  }
  return out.join(separator);
}
