import type { ChannelNode, EventModel, JsonObject, MessageNode, OperationNode } from '../model/eventModel';
import { camelCase, NameRegistry, pascalCase } from './names';
import type { MessageSchemas, SchemaCatalog } from './schemaCatalog';

/** One operation as the generated code sees it; `reply` is set for request/reply pairs. */
interface Endpoint {
  operation: OperationNode;
  stem: string;
  action: 'send' | 'receive';
  channel?: ChannelNode;
  messages: MessageSchemas[];
  reply?: { channel?: ChannelNode; address: string | null; addressLocation?: string; messages: MessageSchemas[] };
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseLocation(location: string | undefined): { source: 'header' | 'payload'; pointer: string[] } | undefined {
  const match = location ? /^\$message\.(header|payload)#(.*)$/.exec(location) : null;
  if (!match) return undefined;
  const pointer = (match[2] ?? '').split('/').filter(Boolean).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  return { source: match[1] as 'header' | 'payload', pointer };
}

/** `publishOrderPlaced` already says what `publish`/`on` will say again: the method is `publishOrderPlaced`, not `publishPublishOrderPlaced`. */
const VERB_PREFIX = /^(publish|send|emit|produce|on|receive|consume|subscribe|handle|request|reply)(?=[A-Z_.\-/])[_.\-/]?/;

export function planEndpoints(model: EventModel, catalog: SchemaCatalog): Endpoint[] {
  const stems = new NameRegistry();
  const messagesOf = (ids: string[]): MessageSchemas[] =>
    ids.flatMap((id) => catalog.messages.filter((entry) => entry.message.id === id));
  const channelOf = (id: string | undefined): ChannelNode | undefined => model.channels.find((channel) => channel.id === id);
  const endpoints = model.operations.map((operation): Endpoint => {
    const channel = channelOf(operation.channelId);
    const reply = operation.reply;
    const replyChannel = channelOf(reply?.channelId);
    return {
      operation,
      stem: stems.claim([pascalCase(operation.id.replace(VERB_PREFIX, '') || operation.id), pascalCase(operation.id)], 'Operation'),
      action: operation.action,
      channel,
      messages: messagesOf(operation.messageIds),
      reply: reply && {
        channel: replyChannel,
        address: reply.address ? null : (replyChannel?.address ?? null),
        addressLocation: reply.address,
        messages: messagesOf(reply.messageIds),
      },
    };
  });
  for (const { request, response } of pairByCorrelation(model)) {
    const [asker, answerer] = [endpoints.find((endpoint) => endpoint.operation === request), endpoints.find((endpoint) => endpoint.operation === response)];
    if (asker && answerer) asker.reply = { channel: answerer.channel, address: answerer.channel?.address ?? null, messages: answerer.messages };
  }
  return endpoints;
}

/** Words of a channel address, parameters left out: `shop/payments/{id}/replies` gives shop, payments, replies. */
const addressWords = (channel: ChannelNode | undefined): string[] =>
  (channel?.address ?? '')
    .replace(/\{[^}]+\}/g, ' ')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());

/** How many leading address words two channels share: `sum/requests` and `sum/replies` share one. */
function channelRelation(left: ChannelNode | undefined, right: ChannelNode | undefined): number {
  const [a, b] = [addressWords(left), addressWords(right)];
  let shared = 0;
  while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
  return shared;
}

export interface RequestReplyPair {
  request: OperationNode;
  response: OperationNode;
}

/**
 * AsyncAPI 2.x has no `reply`: a send and a receive whose messages locate the correlation ID in the same place
 * are read as one request/reply pair when their channels are related (leading address words in common), a
 * message names a reply-to (a binding), or they are the only send and receive with that location. The most
 * closely related candidates pair first, each operation once; a tie is ambiguous and stays unpaired. The
 * request is the side whose message names a reply-to, else the side whose channel is not parameterized (the
 * reply goes to a per-requester address).
 */
export function pairByCorrelation(model: EventModel): RequestReplyPair[] {
  if (model.major !== 2) return [];
  const channelOf = (operation: OperationNode): ChannelNode | undefined => model.channels.find((channel) => channel.id === operation.channelId);
  const messagesOf = (operation: OperationNode): MessageNode[] => model.messages.filter((message) => operation.messageIds.includes(message.id));
  const correlationOf = (operation: OperationNode): string | undefined => {
    const locations = new Set(messagesOf(operation).map((message) => message.correlationId?.location));
    return locations.size === 1 ? [...locations][0] : undefined;
  };
  const namesReplyTo = (operation: OperationNode): boolean =>
    messagesOf(operation).some((message) => Object.values(message.bindings ?? {}).some((binding) => isObject(binding) && 'replyTo' in binding));
  const parameterized = (operation: OperationNode): boolean => (channelOf(operation)?.parameters.length ?? 0) > 0;
  const located = model.operations.filter((operation) => correlationOf(operation) !== undefined);
  const candidates: { send: OperationNode; receive: OperationNode; relation: number }[] = [];
  for (const send of located.filter((operation) => operation.action === 'send')) {
    const location = correlationOf(send);
    const alone = located.filter((operation) => correlationOf(operation) === location).length === 2;
    for (const receive of located.filter((operation) => operation.action === 'receive' && correlationOf(operation) === location)) {
      const relation = channelRelation(channelOf(send), channelOf(receive));
      if (relation > 0 || namesReplyTo(send) || namesReplyTo(receive) || alone) candidates.push({ send, receive, relation });
    }
  }
  // Stable: equally related candidates keep document order.
  candidates.sort((left, right) => right.relation - left.relation);
  const paired = new Set<OperationNode>();
  const pairs: RequestReplyPair[] = [];
  for (const candidate of candidates) {
    const { send, receive, relation } = candidate;
    if (paired.has(send) || paired.has(receive)) continue;
    const rival = candidates.some(
      (other) => other !== candidate && other.relation === relation && !paired.has(other.send) && !paired.has(other.receive) && (other.send === send || other.receive === receive),
    );
    if (rival) continue;
    paired.add(send).add(receive);
    const receiveRequests = namesReplyTo(receive) || (parameterized(send) && !parameterized(receive));
    pairs.push(receiveRequests ? { request: receive, response: send } : { request: send, response: receive });
  }
  return pairs;
}

const union = (types: string[], fallback: string): string => (types.length === 0 ? fallback : [...new Set(types)].join(' | '));

function paramType(schema: unknown): string {
  if (!isObject(schema)) return 'string';
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every((value) => typeof value === 'string')) {
    return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  }
  if (schema.type === 'integer' || schema.type === 'number') return 'number';
  if (schema.type === 'boolean') return 'boolean';
  return 'string';
}

function paramKind(schema: unknown): 'string' | 'number' | 'boolean' {
  const type = isObject(schema) ? schema.type : undefined;
  return type === 'integer' || type === 'number' ? 'number' : type === 'boolean' ? 'boolean' : 'string';
}

function docComment(lines: (string | undefined)[], indent = ''): string {
  const text = lines.filter((line): line is string => !!line).flatMap((line) => line.replace(/\*\//g, '*\\/').split('\n'));
  if (text.length === 0) return '';
  return `${indent}/**\n${text.map((line) => `${indent} * ${line}`.trimEnd()).join('\n')}\n${indent} */\n`;
}

interface EmittedContracts {
  contract: string;
  client: string;
  mirror: string;
}

/** The document's raw operation object, for its summary and description. */
function operationText(resolved: unknown, operation: OperationNode): { summary?: string; description?: string } {
  let node: unknown = resolved;
  for (const segment of operation.path) node = isObject(node) ? node[segment] : undefined;
  if (!isObject(node)) return {};
  return { summary: typeof node.summary === 'string' ? node.summary : undefined, description: typeof node.description === 'string' ? node.description : undefined };
}

export function emitContracts(resolved: unknown, model: EventModel, catalog: SchemaCatalog, validated: string[]): EmittedContracts {
  const endpoints = planEndpoints(model, catalog);
  const headersSchema = (entry: MessageSchemas): JsonObject | undefined => (entry.headersType ? catalog.definitions.get(entry.headersType) : undefined);

  const typeImports = new Set<string>();
  const messageConst = (entry: MessageSchemas): string => `${camelCase(entry.stem)}Message`;
  const usedMessages = new Map<string, MessageSchemas>();
  for (const endpoint of endpoints) {
    for (const entry of [...endpoint.messages, ...(endpoint.reply?.messages ?? [])]) usedMessages.set(entry.stem, entry);
  }
  const validatorImports = new Set<string>();
  const messageDecls = [...usedMessages.values()].map((entry) => {
    const headers = headersSchema(entry);
    const properties = headers && isObject(headers.properties) ? headers.properties : undefined;
    const jsonHeaders = Object.entries(properties ?? {})
      .filter(([, schema]) => isObject(schema) && typeof schema.type === 'string' && schema.type !== 'string')
      .map(([key]) => key);
    const fields = [`name: ${JSON.stringify(entry.message.name ?? entry.stem)}`];
    if (entry.payloadType && validated.includes(entry.payloadType)) {
      validatorImports.add(`validate${entry.payloadType}`);
      fields.push(`validatePayload: validate${entry.payloadType}`);
    }
    if (entry.headersType && validated.includes(entry.headersType)) {
      validatorImports.add(`validate${entry.headersType}`);
      fields.push(`validateHeaders: validate${entry.headersType}`);
    }
    if (entry.keyType && validated.includes(entry.keyType)) {
      validatorImports.add(`validate${entry.keyType}`);
      fields.push(`validateKey: validate${entry.keyType}`);
    }
    if (properties) fields.push(`declaredHeaders: ${JSON.stringify(Object.keys(properties))}`);
    fields.push(`jsonHeaders: ${JSON.stringify(jsonHeaders)}`);
    const correlation = parseLocation(entry.message.correlationId?.location);
    if (correlation) fields.push(`correlation: ${JSON.stringify(correlation)}`);
    return `const ${messageConst(entry)}: MessageContract = {\n  ${fields.join(',\n  ')},\n};`;
  });

  const contractLines: string[] = [];
  const typeOf = (entry: MessageSchemas, kind: 'payload' | 'headers'): string => {
    const name = kind === 'payload' ? entry.payloadType : entry.headersType;
    if (!name) return kind === 'payload' ? 'unknown' : 'Record<string, unknown>';
    typeImports.add(name);
    return `Schema.${name}`;
  };
  /** The message's Kafka key type, when its binding gives one. */
  const keyTypeOf = (entry: MessageSchemas): string | undefined => {
    if (!entry.keyType) return undefined;
    typeImports.add(entry.keyType);
    return `Schema.${entry.keyType}`;
  };
  /** The `Received` type of a message, with its key's type when the Kafka binding gives one. */
  const receivedOf = (entry: MessageSchemas, params: string): string => {
    const key = keyTypeOf(entry);
    return `Received<${JSON.stringify(entry.message.name ?? entry.stem)}, ${typeOf(entry, 'payload')}, ${typeOf(entry, 'headers')}, ${params}${key ? `, ${key}` : ''}>`;
  };
  /** What a send's `key` option may be: the messages' key types, when every one of them has one. */
  const keyInput = (messages: MessageSchemas[]): string | undefined => {
    const keys = messages.map(keyTypeOf);
    return keys.length > 0 && keys.every((key) => key !== undefined) ? union(keys, 'string') : undefined;
  };
  const paramsType = (channel: ChannelNode | undefined): string => {
    const params = channel?.parameters ?? [];
    if (params.length === 0) return 'Record<string, never>';
    return `{ ${params.map((param) => `${JSON.stringify(param.name)}: ${paramType(param.schema)}`).join('; ')} }`;
  };
  const channelContract = (name: string, endpoint: Endpoint, channel: ChannelNode | undefined, address: string | null, messages: MessageSchemas[], extra = ''): string => {
    const paramTypes = Object.fromEntries((channel?.parameters ?? []).map((param) => [param.name, paramKind(param.schema)]));
    return [
      `export const ${name}: ${extra ? 'ReplyContract' : 'ChannelContract'} = {`,
      `  operation: ${JSON.stringify(endpoint.operation.id)},`,
      `  address: ${JSON.stringify(address)},`,
      `  paramTypes: ${JSON.stringify(paramTypes)},`,
      `  messages: [${messages.map(messageConst).join(', ')}],`,
      ...(extra ? [extra] : []),
      '};',
    ].join('\n');
  };
  const declaredHeaderKeys = (messages: MessageSchemas[]): boolean =>
    messages.some((entry) => {
      const location = parseLocation(entry.message.correlationId?.location);
      return location?.source === 'header';
    });
  const headersRequired = (messages: MessageSchemas[]): boolean =>
    messages.some((entry) => {
      const schema = headersSchema(entry);
      return !!schema && Array.isArray(schema.required) && schema.required.length > 0;
    });

  for (const endpoint of endpoints) {
    const stem = endpoint.stem;
    const address = endpoint.channel?.address ?? null;
    contractLines.push(channelContract(`${camelCase(stem)}Channel`, endpoint, endpoint.channel, address, endpoint.messages));
    const payload = union(endpoint.messages.map((entry) => typeOf(entry, 'payload')), 'unknown');
    const headers = union(endpoint.messages.map((entry) => typeOf(entry, 'headers')), 'Record<string, unknown>');
    // Headers the generated code fills (correlation ID, reply address) may be left out by the caller.
    const headersInput = declaredHeaderKeys(endpoint.messages) || endpoint.reply?.addressLocation ? `Partial<${headers}>` : headers;
    const headersOptional = !headersRequired(endpoint.messages) || headersInput !== headers;
    const hasParams = (endpoint.channel?.parameters.length ?? 0) > 0;
    const key = keyInput(endpoint.messages);
    contractLines.push(
      `export type ${stem}Payload = ${payload};`,
      `export type ${stem}Headers = ${headers};`,
      `export type ${stem}Params = ${paramsType(endpoint.channel)};`,
      `export type ${stem}Message = ${union(
        endpoint.messages.map((entry) => receivedOf(entry, `${stem}Params`)),
        `Received<string, unknown, Record<string, unknown>, ${stem}Params>`,
      )};`,
      `export interface ${stem}SendOptions extends Omit<SendOptions, 'headers' | 'params'${key ? " | 'key'" : ''}> {`,
      `  headers${headersOptional ? '?' : ''}: ${headersInput};`,
      `  params${hasParams ? '' : '?'}: ${stem}Params;`,
      ...(key ? [`  key?: ${key};`] : []),
      '}',
      `export interface ${stem}ReceiveOptions extends Omit<ReceiveOptions, 'params'> {`,
      `  params?: Partial<${stem}Params>;`,
      '}',
    );
    if (endpoint.reply) {
      const reply = endpoint.reply;
      const location = parseLocation(reply.addressLocation);
      contractLines.push(
        channelContract(`${camelCase(stem)}Reply`, endpoint, reply.channel, reply.address, reply.messages, location ? `  addressLocation: ${JSON.stringify(location)},` : '  addressLocation: undefined,'),
      );
      const replyPayload = union(reply.messages.map((entry) => typeOf(entry, 'payload')), 'unknown');
      const replyHeaders = union(reply.messages.map((entry) => typeOf(entry, 'headers')), 'Record<string, unknown>');
      contractLines.push(
        `export type ${stem}ReplyParams = ${paramsType(reply.channel)};`,
        `export type ${stem}ReplyMessage = ${union(
          reply.messages.map((entry) => receivedOf(entry, `${stem}ReplyParams`)),
          `Received<string, unknown, Record<string, unknown>, ${stem}ReplyParams>`,
        )};`,
        `export interface ${stem}Reply {`,
        `  payload: ${replyPayload};`,
        `  headers?: Partial<${replyHeaders}>;`,
        '}',
        `export interface ${stem}RequestOptions extends ${stem}SendOptions {`,
        '  timeoutMs?: number;',
        `  replyParams?: Partial<${stem}ReplyParams>;`,
        '}',
      );
    }
  }

  const contract = [
    // A namespace, because operation-level aliases (`OrderPlacedPayload`) may share a schema type's name.
    typeImports.size > 0 ? "import type * as Schema from './types.js';" : '',
    validatorImports.size > 0 ? `import { ${[...validatorImports].sort().join(', ')} } from './validation.js';` : '',
    "import type { ChannelContract, MessageContract, ReceiveOptions, Received, ReplyContract, SendOptions } from './engine.js';",
    '',
    ...messageDecls,
    '',
    ...contractLines,
    '',
  ]
    .filter((line, index) => line !== '' || index > 2)
    .join('\n');

  return { contract, client: emitSide(resolved, endpoints, false), mirror: emitSide(resolved, endpoints, true) };
}

/** The client acts as the document says; the mirror plays the other side of every operation. */
function emitSide(resolved: unknown, endpoints: Endpoint[], mirror: boolean): string {
  const className = mirror ? 'MirrorClient' : 'Client';
  const methods: string[] = [];
  const contractNames = new Set<string>();
  let usesRequester = false;
  for (const endpoint of endpoints) {
    const stem = endpoint.stem;
    const role = mirror ? (endpoint.action === 'send' ? 'receive' : 'send') : endpoint.action;
    const channel = `${camelCase(stem)}Channel`;
    const reply = `${camelCase(stem)}Reply`;
    const text = operationText(resolved, endpoint.operation);
    const doc = docComment([text.summary, text.description, `Operation \`${endpoint.operation.id}\`${mirror ? ' from the other side' : ''}.`], '  ');
    contractNames.add(channel);
    if (role === 'send' && endpoint.reply) {
      usesRequester = true;
      contractNames.add(reply);
      contractNames.add(`${stem}Payload`).add(`${stem}RequestOptions`).add(`${stem}ReplyMessage`);
      methods.push(
        `${doc}  async request${stem}(payload: ${stem}Payload, options: ${stem}RequestOptions): Promise<${stem}ReplyMessage> {\n` +
          `    return (await this.requester.request(${channel}, ${reply}, payload, options as RequestOptions)) as ${stem}ReplyMessage;\n  }`,
      );
    } else if (role === 'send') {
      contractNames.add(`${stem}Payload`).add(`${stem}SendOptions`);
      methods.push(
        `${doc}  publish${stem}(payload: ${stem}Payload, options: ${stem}SendOptions): Promise<{ correlationId: string }> {\n` +
          `    return send(this.transport, ${channel}, payload, options as SendOptions);\n  }`,
      );
    } else if (endpoint.reply) {
      contractNames.add(reply);
      contractNames.add(`${stem}Message`).add(`${stem}Reply`).add(`${stem}ReceiveOptions`);
      methods.push(
        `${doc}  on${stem}(\n    handler: (message: ${stem}Message) => ${stem}Reply | Promise<${stem}Reply>,\n    options: ${stem}ReceiveOptions & { onReplyError?: (error: unknown) => void } = {},\n  ): Promise<Subscription> {\n` +
          `    return respond(this.transport, ${channel}, ${reply}, (message) => handler(message as ${stem}Message) as Reply | Promise<Reply>, options as ReceiveOptions);\n  }`,
      );
    } else {
      contractNames.add(`${stem}Message`).add(`${stem}ReceiveOptions`);
      methods.push(
        `${doc}  on${stem}(handler: (message: ${stem}Message) => void | Promise<void>, options: ${stem}ReceiveOptions = {}): Promise<Subscription> {\n` +
          `    return subscribe(this.transport, ${channel}, (message) => handler(message as ${stem}Message), options as ReceiveOptions);\n  }`,
      );
    }
  }
  const engineImports = ['ReceiveOptions', 'Reply', 'Requester', 'RequestOptions', 'SendOptions', 'respond', 'send', 'subscribe'].filter((name) =>
    methods.some((method) => new RegExp(`\\b${name}\\b`).test(method)) || (name === 'Requester' && usesRequester),
  );
  const typeOnly = new Set(['ReceiveOptions', 'Reply', 'RequestOptions', 'SendOptions']);
  const engineList = engineImports.map((name) => (typeOnly.has(name) ? `type ${name}` : name));
  const contractList = [...contractNames].sort().map((name) => (/Channel$|Reply$/.test(name) && /^[a-z]/.test(name) ? name : `type ${name}`));
  const summary = mirror
    ? 'The other side of every operation, for exercising this service without its counterpart: it receives what the service sends and sends what it receives.'
    : 'The operations of this document, each validated against its schemas before a message leaves or reaches a handler.';
  return [
    "import type { Subscription, Transport } from './transport.js';",
    engineList.length > 0 ? `import { ${engineList.join(', ')} } from './engine.js';` : '',
    contractList.length > 0 ? `import { ${contractList.join(', ')} } from './contract.js';` : '',
    '',
    docComment([summary]).trimEnd(),
    `export class ${className} {`,
    ...(usesRequester ? ['  private readonly requester: Requester;', ''] : []),
    '  constructor(private readonly transport: Transport) {',
    ...(usesRequester ? ['    this.requester = new Requester(transport);'] : []),
    '  }',
    '',
    methods.join('\n\n'),
    ...(methods.length > 0 ? [''] : []),
    '  /** Stops waiting for replies and closes the transport. */',
    '  async close(): Promise<void> {',
    ...(usesRequester ? ['    await this.requester.close();'] : []),
    '    await this.transport.close();',
    '  }',
    '}',
    '',
  ]
    .filter((line, index) => line !== '' || index > 2)
    .join('\n');
}
