/**
 * One model for AsyncAPI 2.x and 3.x, built from the resolved document, so every later step
 * (rules, diff, codegen, broker, flow) reads one shape. Every node keeps its path in the resolved
 * document, which the inventory maps back to a file and range.
 */

export type Action = 'send' | 'receive';
export type JsonObject = Record<string, unknown>;

export interface ServerNode {
  name: string;
  host: string;
  protocol: string;
  protocolVersion?: string;
  /** 3.x `pathname` (2.x keeps it in `url`, which `host` holds). */
  pathname?: string;
  /** `{name}` placeholders of host and pathname, with what the document offers for each. */
  variables?: ServerVariable[];
  bindings?: JsonObject;
  path: string[];
}

export interface ServerVariable {
  name: string;
  default?: string;
  enum?: string[];
  description?: string;
}

export interface ParameterNode {
  name: string;
  schema?: unknown;
  path: string[];
}

export interface ChannelNode {
  id: string;
  address: string | null;
  parameters: ParameterNode[];
  messageIds: string[];
  bindings?: JsonObject;
  /** Names of the servers the channel is available on; absent means all of them. */
  servers?: string[];
  path: string[];
}

export interface MessageExample {
  name?: string;
  headers?: unknown;
  payload?: unknown;
  path: string[];
}

export interface MessageNode {
  id: string;
  /** The message's `name`, else the key it is declared under; undefined for an anonymous 2.x message. */
  name?: string;
  /** The `name` and 2.x `messageId` fields as written, which consumers use to tell messages apart. */
  declaredName?: string;
  messageId?: string;
  title?: string;
  contentType?: string;
  schemaFormat?: string;
  payload?: unknown;
  payloadPath?: string[];
  headers?: unknown;
  headersPath?: string[];
  correlationId?: { location: string; path: string[] };
  examples: MessageExample[];
  bindings?: JsonObject;
  path: string[];
}

export interface OperationNode {
  id: string;
  action: Action;
  channelId?: string;
  messageIds: string[];
  reply?: { channelId?: string; address?: string; messageIds: string[] };
  path: string[];
}

export interface EventModel {
  asyncapi: string;
  major: 2 | 3;
  title: string;
  version: string;
  defaultContentType?: string;
  servers: ServerNode[];
  channels: ChannelNode[];
  operations: OperationNode[];
  messages: MessageNode[];
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const entries = (value: unknown): [string, JsonObject][] =>
  isObject(value) ? Object.entries(value).filter((entry): entry is [string, JsonObject] => isObject(entry[1])) : [];
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function serverVariables(value: unknown): ServerVariable[] | undefined {
  const variables = entries(value).map(([name, variable]) => ({
    name,
    default: str(variable.default),
    enum: Array.isArray(variable.enum) ? variable.enum.map(String) : undefined,
    description: str(variable.description),
  }));
  return variables.length > 0 ? variables : undefined;
}

/** Builds the model from the resolved document; returns undefined for a text that is not AsyncAPI 2.x/3.x. */
export function buildEventModel(resolved: unknown): EventModel | undefined {
  if (!isObject(resolved)) return undefined;
  const asyncapi = str(resolved.asyncapi) ?? (typeof resolved.asyncapi === 'number' ? String(resolved.asyncapi) : undefined);
  const major = asyncapi?.startsWith('2.') ? 2 : asyncapi?.startsWith('3.') ? 3 : undefined;
  if (!asyncapi || !major) return undefined;
  const info = isObject(resolved.info) ? resolved.info : {};
  const builder = new ModelBuilder(resolved);
  if (major === 2) builder.readV2();
  else builder.readV3();
  return {
    asyncapi,
    major,
    title: str(info.title) ?? '',
    version: str(info.version) ?? '',
    defaultContentType: str(resolved.defaultContentType),
    servers: entries(resolved.servers).map(([name, server]) => ({
      name,
      // 2.x names one `url`; 3.x splits it into host and pathname.
      host: str(server.host) ?? str(server.url) ?? '',
      protocol: str(server.protocol) ?? '',
      protocolVersion: str(server.protocolVersion) ?? (typeof server.protocolVersion === 'number' ? String(server.protocolVersion) : undefined),
      pathname: str(server.pathname),
      variables: serverVariables(server.variables),
      bindings: isObject(server.bindings) ? (plain(server.bindings) as JsonObject) : undefined,
      path: ['servers', name],
    })),
    ...builder.result(),
  };
}

class ModelBuilder {
  private readonly channels: ChannelNode[] = [];
  private readonly operations: OperationNode[] = [];
  private readonly messages: MessageNode[] = [];
  /** Resolved `$ref`s share their target object, so identity tells which declarations are one message or channel. */
  private readonly messageIds = new Map<object, string>();
  private readonly channelIds = new Map<object, string>();
  private readonly componentMessageNames = new Map<object, string>();
  /** Lookups by ID, so a document with thousands of channels builds in linear time. */
  private readonly channelsById = new Map<string, ChannelNode>();
  private readonly usedMessageIds = new Set<string>();

  private readonly serverNames = new Map<object, string>();

  constructor(private readonly doc: JsonObject) {
    for (const [name, server] of entries(doc.servers)) this.serverNames.set(server, name);
    const components = isObject(doc.components) ? doc.components : {};
    for (const [key, message] of entries(components.messages)) this.componentMessageNames.set(message, key);
  }

  result(): Pick<EventModel, 'channels' | 'operations' | 'messages'> {
    // Component messages no channel uses yet are still part of the design, and rules apply to them.
    for (const [key, message] of entries(isObject(this.doc.components) ? this.doc.components.messages : undefined)) {
      if (!this.messageIds.has(message)) this.addMessage(message, ['components', 'messages', key], key, str(message.name) ?? key);
    }
    return { channels: this.channels, operations: this.operations, messages: this.messages };
  }

  /**
   * AsyncAPI 2.x describes operations from the client's side: `publish` means others publish to the
   * channel, so this application receives; `subscribe` means others subscribe, so it sends.
   */
  readV2(): void {
    for (const [address, channel] of entries(this.doc.channels)) {
      const path = ['channels', address];
      const node: ChannelNode = {
        id: address,
        address,
        parameters: entries(channel.parameters).map(([name, parameter]) => ({
          name,
          schema: plain(parameter.schema),
          path: [...path, 'parameters', name],
        })),
        messageIds: [],
        bindings: isObject(channel.bindings) ? (plain(channel.bindings) as JsonObject) : undefined,
        servers: Array.isArray(channel.servers) ? channel.servers.filter((name): name is string => typeof name === 'string') : undefined,
        path,
      };
      this.channels.push(node);
      for (const verb of ['publish', 'subscribe'] as const) {
        const operation = channel[verb];
        if (!isObject(operation)) continue;
        const operationPath = [...path, verb];
        const messageIds = this.readV2Messages(operation.message, [...operationPath, 'message'], `${address}.${verb}`);
        for (const id of messageIds) if (!node.messageIds.includes(id)) node.messageIds.push(id);
        this.operations.push({
          id: str(operation.operationId) ?? `${address}.${verb}`,
          action: verb === 'publish' ? 'receive' : 'send',
          channelId: address,
          messageIds,
          path: operationPath,
        });
      }
    }
  }

  private readV2Messages(message: unknown, path: string[], fallbackId: string): string[] {
    if (!isObject(message)) return [];
    if (Array.isArray(message.oneOf)) {
      return message.oneOf.flatMap((item, index) =>
        this.readV2Messages(item, [...path, 'oneOf', String(index)], `${fallbackId}.message.${index}`),
      );
    }
    const known = this.messageIds.get(message);
    if (known) return [known];
    const name = str(message.messageId) ?? str(message.name) ?? this.componentMessageNames.get(message);
    return [this.addMessage(message, path, name ?? `${fallbackId}.message`, name)];
  }

  readV3(): void {
    for (const [key, channel] of entries(this.doc.channels)) {
      const path = ['channels', key];
      const node: ChannelNode = {
        id: key,
        address: channel.address === null ? null : (str(channel.address) ?? key),
        parameters: entries(channel.parameters).map(([name, parameter]) => ({
          name,
          // 3.x parameters are strings with optional enum/default instead of a schema.
          schema: { type: 'string', ...(plain(pick(parameter, ['enum', 'default', 'description', 'examples'])) as JsonObject) },
          path: [...path, 'parameters', name],
        })),
        messageIds: [],
        bindings: isObject(channel.bindings) ? (plain(channel.bindings) as JsonObject) : undefined,
        // Resolved `$ref`s to servers are the server objects themselves.
        servers: Array.isArray(channel.servers) ? channel.servers.map((server) => this.serverNames.get(server as object)).filter((name): name is string => name !== undefined) : undefined,
        path,
      };
      this.channelIds.set(channel, key);
      this.channels.push(node);
      this.channelsById.set(key, node);
      for (const [messageKey, message] of entries(channel.messages)) {
        const known = this.messageIds.get(message);
        const name = str(message.name) ?? this.componentMessageNames.get(message) ?? messageKey;
        node.messageIds.push(known ?? this.addMessage(message, [...path, 'messages', messageKey], name, name));
      }
    }
    for (const [key, operation] of entries(this.doc.operations)) {
      const path = ['operations', key];
      const action = operation.action === 'receive' ? 'receive' : 'send';
      const channelId = isObject(operation.channel) ? this.channelIds.get(operation.channel) : undefined;
      const reply = isObject(operation.reply) ? operation.reply : undefined;
      const replyAddress = reply && isObject(reply.address) ? str(reply.address.location) : undefined;
      this.operations.push({
        id: key,
        action,
        channelId,
        messageIds: this.operationMessages(operation.messages, channelId, [...path, 'messages']),
        reply: reply && {
          channelId: isObject(reply.channel) ? this.channelIds.get(reply.channel) : undefined,
          address: replyAddress,
          messageIds: this.operationMessages(reply.messages, isObject(reply.channel) ? this.channelIds.get(reply.channel) : undefined, [...path, 'reply', 'messages']),
        },
        path,
      });
    }
  }

  /** A 3.x operation without `messages` carries every message of its channel. */
  private operationMessages(messages: unknown, channelId: string | undefined, path: string[]): string[] {
    const channel = channelId === undefined ? undefined : this.channelsById.get(channelId);
    if (!Array.isArray(messages)) return channel ? [...channel.messageIds] : [];
    return messages.flatMap((message, index) => {
      if (!isObject(message)) return [];
      const known = this.messageIds.get(message);
      if (known) return [known];
      const name = str(message.name) ?? this.componentMessageNames.get(message);
      return [this.addMessage(message, [...path, String(index)], name ?? path.join('.'), name)];
    });
  }

  private addMessage(message: JsonObject, path: string[], id: string, name: string | undefined): string {
    let uniqueId = id;
    for (let n = 2; this.usedMessageIds.has(uniqueId); n++) uniqueId = `${id}#${n}`;
    this.usedMessageIds.add(uniqueId);
    // A 3.x payload may be a multi-format schema object: `{ schemaFormat, schema }`.
    const multiFormat = isObject(message.payload) && 'schema' in message.payload && 'schemaFormat' in message.payload;
    const payload = multiFormat ? (message.payload as JsonObject).schema : message.payload;
    const correlation = isObject(message.correlationId) ? message.correlationId : undefined;
    this.messages.push({
      id: uniqueId,
      name,
      declaredName: str(message.name),
      messageId: str(message.messageId),
      title: str(message.title),
      contentType: str(message.contentType),
      schemaFormat: multiFormat ? str((message.payload as JsonObject).schemaFormat) : str(message.schemaFormat),
      payload: plain(payload),
      payloadPath: message.payload === undefined ? undefined : multiFormat ? [...path, 'payload', 'schema'] : [...path, 'payload'],
      headers: plain(message.headers),
      headersPath: message.headers === undefined ? undefined : [...path, 'headers'],
      correlationId: correlation && str(correlation.location) !== undefined
        ? { location: str(correlation.location) ?? '', path: [...path, 'correlationId', 'location'] }
        : undefined,
      examples: Array.isArray(message.examples)
        ? message.examples.flatMap((example, index) =>
            isObject(example)
              ? [{ name: str(example.name), headers: plain(example.headers), payload: plain(example.payload), path: [...path, 'examples', String(index)] }]
              : [],
          )
        : [],
      bindings: isObject(message.bindings) ? (plain(message.bindings) as JsonObject) : undefined,
      path,
    });
    this.messageIds.set(message, uniqueId);
    return uniqueId;
  }
}

/**
 * A plain, acyclic copy: the resolved document shares objects between `$ref`s and keeps real cycles for
 * recursive schemas, which neither a worker message nor JSON can carry. A cycle becomes an open schema.
 */
export function plain(value: unknown, ancestors: object[] = []): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.includes(value)) return { $comment: 'recursive schema' };
  // One shared stack rather than a copy per level: large documents copy hundreds of thousands of nodes.
  ancestors.push(value);
  let copy: unknown;
  if (Array.isArray(value)) copy = value.map((item) => plain(item, ancestors));
  else copy = Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item, ancestors)]));
  ancestors.pop();
  return copy;
}

function pick(source: JsonObject, keys: string[]): JsonObject {
  return Object.fromEntries(keys.filter((key) => key in source).map((key) => [key, source[key]]));
}
