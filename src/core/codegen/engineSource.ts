/**
 * The generic half of every generated operation (`engine.ts`): validate, address, correlate, trace, and
 * match replies. The generated client and mirror are typed wrappers over it; it is emitted as text.
 */
export const ENGINE_SOURCE = String.raw`import {
  MessageValidationError,
  RESERVED_HEADERS,
  RequestTimeoutError,
  applicationHeaders,
  decodeHeaders,
  decodeJson,
  encodeHeaders,
  encodeJson,
  fillAddress,
  matchAddress,
  newCorrelationId,
  readAt,
  traceparentOf,
  writeAt,
  type InvalidMessage,
  type Location,
  type Subscription,
  type TraceContext,
  type Transport,
  type WireMessage,
} from './transport.js';

interface Check {
  (value: unknown): boolean;
  errors: string[];
}

/** What the document says about one message. */
export interface MessageContract {
  name: string;
  validatePayload?: Check;
  validateHeaders?: Check;
  /** The Kafka binding's key schema: a key given or received must fit it. */
  validateKey?: Check;
  /** Header properties the headers schema declares; undefined when it declares none. */
  declaredHeaders?: readonly string[];
  jsonHeaders: readonly string[];
  correlation?: Location;
}

/** One side of an operation: its channel address and the messages it carries. */
export interface ChannelContract {
  operation: string;
  address: string | null;
  paramTypes: Readonly<Record<string, 'string' | 'number' | 'boolean'>>;
  messages: readonly MessageContract[];
}

export interface ReplyContract extends ChannelContract {
  /** Where the request says the reply goes (3.x reply.address.location). */
  addressLocation?: Location;
}

export type Params = Record<string, string | number | boolean>;

/** A message that passed validation, as the handler sees it. */
export interface Received<Name extends string, Payload, Headers, ParamValues, Key extends string = string> {
  name: Name;
  payload: Payload;
  headers: Headers;
  params: ParamValues;
  address: string;
  correlationId?: string;
  traceparent?: string;
  /** The message key it came with, on brokers that have keys (Kafka). */
  key?: Key;
}

export interface SendOptions {
  headers?: Record<string, unknown>;
  params?: Params;
  correlationId?: string;
  traceContext?: TraceContext;
  /** The concrete address, for a channel whose address the document leaves open. */
  address?: string;
  /** Kafka's message key: messages with the same key go to the same partition, in order. Brokers without keys ignore it. */
  key?: string;
}

export interface ReceiveOptions {
  params?: Partial<Params>;
  /** Messages that fail validation land here and never reach the handler. */
  onInvalid?: (message: InvalidMessage) => void;
}

export interface RequestOptions extends SendOptions {
  timeoutMs?: number;
  replyParams?: Params;
}

export interface Reply {
  payload: unknown;
  headers?: Record<string, unknown>;
}

type AnyReceived = Received<string, unknown, unknown, unknown>;

function firstMatch(contracts: readonly MessageContract[], payload: unknown, headers: Record<string, unknown>, key: string | undefined): { contract?: MessageContract; errors: string[] } {
  const errors: string[] = [];
  for (const contract of contracts) {
    const problems = [
      ...(contract.validatePayload && !contract.validatePayload(payload) ? contract.validatePayload.errors : []),
      ...(contract.validateHeaders && !contract.validateHeaders(applicationHeaders(headers, contract.declaredHeaders)) ? contract.validateHeaders.errors : []),
      ...(contract.validateKey && key !== undefined && !contract.validateKey(key) ? contract.validateKey.errors : []),
    ];
    if (problems.length === 0) return { contract, errors: [] };
    errors.push(...(contracts.length > 1 ? problems.map((problem) => contract.name + ': ' + problem) : problems));
  }
  return { errors: contracts.length === 0 ? [] : errors };
}

function correlationOf(contract: MessageContract | undefined, headers: Record<string, unknown>, payload: unknown): string | undefined {
  const located = contract?.correlation ? readAt(contract.correlation, headers, payload) : undefined;
  if (typeof located === 'string' && located !== '') return located;
  const reserved = headers[RESERVED_HEADERS.correlationId];
  return typeof reserved === 'string' ? reserved : undefined;
}

/** Validates and frames an outgoing message; throws MessageValidationError before anything is sent. */
export function prepare(channel: ChannelContract, payload: unknown, options: SendOptions, extraHeaders: Record<string, string> = {}): { wire: WireMessage; correlationId: string } {
  const candidate = channel.messages.find((contract) => !contract.validatePayload || contract.validatePayload(payload)) ?? channel.messages[0];
  let headers: Record<string, unknown> = { ...(options.headers ?? {}) };
  let body = payload;
  const correlationId = options.correlationId ?? correlationOf(candidate, headers, payload) ?? newCorrelationId();
  if (candidate?.correlation) ({ headers, payload: body } = writeAt(candidate.correlation, headers, body, correlationId));
  const { contract, errors } = firstMatch(channel.messages, body, headers, options.key);
  if (!contract && channel.messages.length > 0) throw new MessageValidationError(channel.operation, errors);
  const wireHeaders: Record<string, unknown> = { ...headers, ...extraHeaders };
  if (!candidate?.correlation || candidate.correlation.source !== 'header') wireHeaders[RESERVED_HEADERS.correlationId] = correlationId;
  if (options.traceContext) {
    wireHeaders[RESERVED_HEADERS.traceparent] = traceparentOf(options.traceContext);
    if (options.traceContext.tracestate) wireHeaders[RESERVED_HEADERS.tracestate] = options.traceContext.tracestate;
  }
  const address = options.address ?? (channel.address === null ? undefined : fillAddress(channel.address, options.params ?? {}));
  if (address === undefined) throw new Error(channel.operation + ': the document leaves the address open; pass options.address');
  const wire: WireMessage = { address, payload: encodeJson(body), headers: encodeHeaders(wireHeaders) };
  if (options.key !== undefined) wire.key = options.key;
  return { wire, correlationId };
}

export async function send(transport: Transport, channel: ChannelContract, payload: unknown, options: SendOptions): Promise<{ correlationId: string }> {
  const { wire, correlationId } = prepare(channel, payload, options);
  await transport.publish(wire);
  return { correlationId };
}

function typedParams(channel: ChannelContract, raw: Record<string, string>): Params {
  const params: Params = {};
  for (const [name, value] of Object.entries(raw)) {
    const type = channel.paramTypes[name];
    params[name] = type === 'number' ? Number(value) : type === 'boolean' ? value === 'true' : value;
  }
  return params;
}

/**
 * Decodes and validates one incoming message: a typed message, or the reasons it was refused. Undefined when
 * its address does not fit the template: a message of another channel, which is no concern of this operation.
 */
export function accept(channel: ChannelContract, template: string, raw: WireMessage): { message: AnyReceived } | { invalid: InvalidMessage } | undefined {
  const invalid = (errors: string[]): { invalid: InvalidMessage } => ({ invalid: { address: raw.address, operation: channel.operation, errors, raw } });
  if (!matchAddress(template, raw.address)) return undefined;
  // The template may have parameters filled in (a filtered subscription): the channel's address names them all.
  const params = (channel.address === null ? undefined : matchAddress(channel.address, raw.address)) ?? {};
  const decoded = decodeJson(raw.payload);
  if (!decoded.ok) return invalid([decoded.error]);
  const jsonHeaders = channel.messages.flatMap((contract) => contract.jsonHeaders);
  const headers = decodeHeaders(raw.headers, jsonHeaders);
  const { contract, errors } = firstMatch(channel.messages, decoded.value, headers, raw.key);
  if (!contract && channel.messages.length > 0) return invalid(errors);
  return {
    message: {
      name: contract?.name ?? '',
      payload: decoded.value,
      headers: applicationHeaders(headers, contract?.declaredHeaders),
      params: typedParams(channel, params),
      address: raw.address,
      correlationId: correlationOf(contract, headers, decoded.value),
      traceparent: raw.headers[RESERVED_HEADERS.traceparent],
      key: raw.key,
    },
  };
}

function subscriptionTemplate(channel: ChannelContract, params: Partial<Params> | undefined): string {
  if (channel.address === null) throw new Error(channel.operation + ': the document leaves the address open, so there is nothing to subscribe to');
  return channel.address.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const value = params?.[name];
    return value === undefined ? whole : String(value);
  });
}

export async function subscribe(
  transport: Transport,
  channel: ChannelContract,
  handler: (message: AnyReceived) => unknown,
  options: ReceiveOptions,
): Promise<Subscription> {
  const template = subscriptionTemplate(channel, options.params);
  return transport.subscribe(template, (raw) => {
    const outcome = accept(channel, template, raw);
    if (!outcome) return;
    if ('invalid' in outcome) options.onInvalid?.(outcome.invalid);
    else void Promise.resolve(handler(outcome.message)).catch(() => undefined);
  });
}

/** Like subscribe, and what the handler returns is sent back to where the request asked, with its correlation ID. */
export async function respond(
  transport: Transport,
  channel: ChannelContract,
  reply: ReplyContract,
  handler: (message: AnyReceived) => Reply | Promise<Reply>,
  options: ReceiveOptions & { onReplyError?: (error: unknown) => void },
): Promise<Subscription> {
  const template = subscriptionTemplate(channel, options.params);
  return transport.subscribe(template, (raw) => {
    const outcome = accept(channel, template, raw);
    if (!outcome) return;
    if ('invalid' in outcome) {
      options.onInvalid?.(outcome.invalid);
      return;
    }
    const request = outcome.message;
    const located = reply.addressLocation ? readAt(reply.addressLocation, request.headers as Record<string, unknown>, request.payload) : undefined;
    const address = raw.headers[RESERVED_HEADERS.replyTo] ?? (typeof located === 'string' ? located : undefined);
    void (async () => {
      const answer = await handler(request);
      const { wire } = prepare(reply, answer.payload, { headers: answer.headers, correlationId: request.correlationId, address, params: request.params as Params });
      await transport.publish(wire);
    })().catch((error: unknown) => options.onReplyError?.(error));
  });
}

interface Pending {
  resolve(message: AnyReceived): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** One reply inbox per requester and reply channel; replies find their request by correlation ID. */
export class Requester {
  private readonly inboxes = new Map<string, { ready: Promise<Subscription>; pending: Map<string, Pending> }>();

  constructor(private readonly transport: Transport) {}

  private inbox(reply: ReplyContract, address: string): Map<string, Pending> {
    let inbox = this.inboxes.get(address);
    if (!inbox) {
      const pending = new Map<string, Pending>();
      const ready = this.transport.subscribe(address, (raw) => {
        const outcome = accept(reply, address, raw);
        if (!outcome) return;
        if ('invalid' in outcome) {
          const id = raw.headers[RESERVED_HEADERS.correlationId];
          const waiting = id === undefined ? undefined : pending.get(id);
          waiting?.reject(new MessageValidationError(reply.operation, outcome.invalid.errors));
          return;
        }
        const id = outcome.message.correlationId;
        const waiting = id === undefined ? undefined : pending.get(id);
        if (waiting && id !== undefined) {
          pending.delete(id);
          clearTimeout(waiting.timer);
          waiting.resolve(outcome.message);
        }
      }, { inbox: true });
      inbox = { ready, pending };
      this.inboxes.set(address, inbox);
    }
    return inbox.pending;
  }

  private replyAddress(reply: ReplyContract, options: RequestOptions, instance: string): string {
    if (reply.address === null) return 'eventscope.reply.' + instance;
    const params: Params = { ...options.replyParams };
    for (const name of reply.address.match(/\{([^}]+)\}/g) ?? []) {
      const key = name.slice(1, -1);
      params[key] ??= 'eventscope-reply-' + instance;
    }
    return fillAddress(reply.address, params);
  }

  private readonly instance = newCorrelationId();

  async request(channel: ChannelContract, reply: ReplyContract, payload: unknown, options: RequestOptions): Promise<AnyReceived> {
    const address = this.replyAddress(reply, options, this.instance);
    const pending = this.inbox(reply, address);
    await this.inboxes.get(address)?.ready;
    const sendOptions: SendOptions = { ...options };
    if (reply.addressLocation?.source === 'header') {
      sendOptions.headers = writeAt(reply.addressLocation, { ...(options.headers ?? {}) }, payload, address).headers;
    }
    const { wire, correlationId } = prepare(channel, payload, sendOptions, { [RESERVED_HEADERS.replyTo]: address });
    const timeoutMs = options.timeoutMs ?? 10000;
    const replied = new Promise<AnyReceived>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(correlationId);
        reject(new RequestTimeoutError(channel.operation, correlationId, timeoutMs));
      }, timeoutMs);
      pending.set(correlationId, { resolve, reject, timer });
    });
    // It may fail (closed, timed out) while the publish below is still in flight; the caller gets that failure.
    replied.catch(() => undefined);
    try {
      await this.transport.publish(wire);
    } catch (error) {
      const waiting = pending.get(correlationId);
      if (waiting) clearTimeout(waiting.timer);
      pending.delete(correlationId);
      throw error;
    }
    return replied;
  }

  /** Stops listening for replies; requests still waiting fail at once instead of never settling. */
  async close(): Promise<void> {
    for (const inbox of this.inboxes.values()) {
      for (const [correlationId, waiting] of inbox.pending) {
        clearTimeout(waiting.timer);
        waiting.reject(new Error('the client closed before the reply to request ' + correlationId + ' arrived'));
      }
      inbox.pending.clear();
      await (await inbox.ready).unsubscribe();
    }
    this.inboxes.clear();
  }
}
`;
