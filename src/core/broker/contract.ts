import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { MessageNode } from '../model/eventModel';
import type { ValidationError, ValidationResult } from '../trace/record';
import type { LoadedDocument } from './types';

export interface ContractMessage {
  id: string;
  name: string;
  document: string;
  payload?: ValidateFunction;
  headers?: ValidateFunction;
  payloadPath?: string[];
  headersPath?: string[];
  correlationLocation?: string;
  /** Payload property whose value names this message in a multi-message channel. */
  discriminator?: { property: string; value: unknown };
  /** False for payloads in a schema format other than JSON Schema: those pass unchecked. */
  jsonSchema: boolean;
}

export interface ContractChannel {
  address: string;
  /** The MQTT topic filter of the address: each `{parameter}` becomes `+`. */
  filter: string;
  parameters: { name: string; validate?: ValidateFunction }[];
  messages: ContractMessage[];
  /** Header names the messages declare, by lower case, so HTTP headers get their declared spelling back. */
  headerNames: Map<string, string>;
  matcher?: RegExp;
  /** Topic levels of the address, and its text before the first parameter: most templates are ruled out by these before the regular expression runs. */
  levels: number;
  prefix: string;
}

export interface ContractCheck {
  channel?: ContractChannel;
  params?: Record<string, string>;
  message?: ContractMessage;
  validation: ValidationResult;
}

/** One result object for all the messages that pass: most do, and each would otherwise allocate its own. Frozen, since records share it. */
const VALID: ValidationResult = Object.freeze({ valid: true, checked: true, errors: Object.freeze([]) as unknown as ValidationError[] });
const VALID_UNCHECKED: ValidationResult = Object.freeze({ valid: true, checked: false, errors: Object.freeze([]) as unknown as ValidationError[] });

/** Headers the broker itself reads (message name, message ID); they are not part of any contract. */
export const CONTROL_HEADER_PREFIX = 'x-eventscope-';
const MESSAGE_NAME_HEADERS = ['x-eventscope-message', 'messageName'];

const JSON_SCHEMA_FORMATS = /^application\/(vnd\.aai\.asyncapi(\+json|\+yaml)?(;version=[\d.]+)?|schema\+json(;version=draft-0[47])?|schema\+yaml(;version=draft-0[47])?)$/;

/** Validators by schema text, shared across contract versions: a document edit recompiles only what changed. */
export class ValidatorCache {
  private readonly ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false, allowUnionTypes: true });
  private readonly compiled = new Map<string, { validate: ValidateFunction | null; schema: object }>();
  private used = new Set<string>();

  constructor() {
    addFormats(this.ajv);
  }

  get(schema: unknown): ValidateFunction | undefined {
    if (typeof schema !== 'object' || schema === null) return undefined;
    const key = JSON.stringify(schema);
    this.used.add(key);
    let entry = this.compiled.get(key);
    if (!entry) {
      const plain = withoutIds(schema) as object;
      let validate: ValidateFunction | null;
      try {
        validate = this.ajv.compile(plain);
      } catch {
        validate = null;
      }
      entry = { validate, schema: plain };
      this.compiled.set(key, entry);
    }
    return entry.validate ?? undefined;
  }

  /** Forgets validators the current contract no longer uses. */
  sweep(): void {
    for (const [key, entry] of this.compiled) {
      if (this.used.has(key)) continue;
      this.compiled.delete(key);
      this.ajv.removeSchema(entry.schema);
    }
    this.used = new Set();
  }

  get size(): number {
    return this.compiled.size;
  }
}

/** `$id`s from different documents would collide in one ajv; resolved schemas never need them. */
function withoutIds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutIds);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).filter(([key]) => key !== '$id').map(([key, value]) => [key, withoutIds(value)]));
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function levelCount(topic: string): number {
  let levels = 1;
  for (let index = topic.indexOf('/'); index >= 0; index = topic.indexOf('/', index + 1)) levels++;
  return levels;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The channels and messages of a set of documents, ready to match topics and validate messages. Channels
 * with the same address in several documents (one per service) merge into one.
 */
export class Contract {
  private readonly literal = new Map<string, ContractChannel>();
  /** Templated channels, fewest parameters first, so the most specific address wins. */
  private readonly templated: ContractChannel[] = [];

  constructor(
    readonly documents: readonly LoadedDocument[],
    validators: ValidatorCache,
  ) {
    const byAddress = new Map<string, ContractChannel>();
    for (const document of documents) {
      const messages = new Map(document.model.messages.map((message) => [message.id, message]));
      for (const node of document.model.channels) {
        if (!node.address) continue;
        let channel = byAddress.get(node.address);
        if (!channel) {
          channel = {
            address: node.address,
            filter: node.address.replace(/\{[^}]+\}/g, '+'),
            parameters: [],
            messages: [],
            headerNames: new Map(),
            levels: levelCount(node.address),
            prefix: node.address.slice(0, node.address.search(/\{|$/)),
          };
          const names: string[] = [];
          const pattern = node.address.split(/(\{[^}]+\})/).map((part) => {
            const name = /^\{([^}]+)\}$/.exec(part)?.[1];
            if (name === undefined) return escapeRegExp(part);
            names.push(name);
            return '([^/]+)';
          });
          channel.parameters = names.map((name) => ({ name, validate: validators.get(node.parameters.find((p) => p.name === name)?.schema) }));
          if (names.length > 0) channel.matcher = new RegExp(`^${pattern.join('')}$`);
          byAddress.set(node.address, channel);
        }
        for (const messageId of node.messageIds) {
          const message = messages.get(messageId);
          if (!message) continue;
          const compiled = compileMessage(message, document.file, validators);
          const same = channel.messages.find((known) => known.name === compiled.name && known.payload === compiled.payload && known.headers === compiled.headers);
          if (!same) channel.messages.push(compiled);
          if (isObject(message.headers) && isObject(message.headers.properties)) {
            for (const name of Object.keys(message.headers.properties)) channel.headerNames.set(name.toLowerCase(), name);
          }
        }
      }
    }
    for (const channel of byAddress.values()) {
      if (channel.matcher) this.templated.push(channel);
      else this.literal.set(channel.address, channel);
    }
    this.templated.sort((a, b) => a.parameters.length - b.parameters.length);
  }

  channels(): ContractChannel[] {
    return [...this.literal.values(), ...this.templated];
  }

  match(topic: string): { channel: ContractChannel; params: Record<string, string> } | undefined {
    const literal = this.literal.get(topic);
    if (literal) return { channel: literal, params: {} };
    // No cache by topic: topics carry IDs, so nearly every one is new, and these checks cost less than a cache entry.
    const levels = levelCount(topic);
    for (const channel of this.templated) {
      if (channel.levels !== levels || !topic.startsWith(channel.prefix)) continue;
      const groups = channel.matcher?.exec(topic);
      if (!groups) continue;
      const params: Record<string, string> = {};
      for (let index = 0; index < channel.parameters.length; index++) params[channel.parameters[index]?.name ?? ''] = groups[index + 1] ?? '';
      return { channel, params };
    }
    return undefined;
  }

  /** Matches the topic to a channel and the body to one of its messages, and validates it. */
  check(topic: string, headers: Record<string, unknown>, payload: unknown, json: boolean): ContractCheck {
    const matched = this.match(topic);
    if (!matched) {
      return { validation: { valid: false, checked: false, errors: [{ part: 'channel', instancePath: '', message: `no channel of the documents has an address matching "${topic}"` }] } };
    }
    const { channel, params } = matched;
    const errors: ValidationError[] = [];
    for (const parameter of channel.parameters) {
      const value = params[parameter.name];
      if (parameter.validate && !parameter.validate(value)) {
        errors.push(...mapErrors(parameter.validate.errors, 'parameters', undefined).map((error) => ({ ...error, instancePath: `/${parameter.name}` })));
      }
    }
    const contractHeaders = withoutControlHeaders(headers);
    const { message, errors: messageErrors } = this.selectMessage(channel, headers, contractHeaders, payload, json);
    for (const error of messageErrors) errors.push(error);
    const checked = message?.jsonSchema ?? false;
    return {
      channel,
      params,
      message,
      validation: errors.length > 0 ? { valid: false, checked, errors } : checked ? VALID : VALID_UNCHECKED,
    };
  }

  private selectMessage(
    channel: ContractChannel,
    headers: Record<string, unknown>,
    contractHeaders: Record<string, unknown>,
    payload: unknown,
    json: boolean,
  ): { message?: ContractMessage; errors: ValidationError[] } {
    let candidates = channel.messages;
    if (candidates.length === 0) return { errors: [] };
    let named: string | undefined;
    for (const name of MESSAGE_NAME_HEADERS) {
      const value = headers[name];
      if (typeof value === 'string') {
        named = value;
        break;
      }
    }
    if (named !== undefined) {
      candidates = candidates.filter((message) => message.name === named || message.id === named);
      if (candidates.length === 0) {
        return { errors: [{ part: 'message', instancePath: '', message: `channel "${channel.address}" has no message named "${named}"` }] };
      }
    }
    if (candidates.length > 1 && isObject(payload)) {
      const byDiscriminator = candidates.filter((message) => message.discriminator && payload[message.discriminator.property] === message.discriminator.value);
      if (byDiscriminator.length > 0) candidates = byDiscriminator;
    }
    let best: { message: ContractMessage; errors: ValidationError[] } | undefined;
    for (const message of candidates) {
      const errors = validateMessage(message, contractHeaders, payload, json);
      if (errors.length === 0) return { message, errors };
      if (!best || errors.length < best.errors.length) best = { message, errors };
    }
    return best ?? { errors: [] };
  }
}

function compileMessage(message: MessageNode, document: string, validators: ValidatorCache): ContractMessage {
  const jsonSchema = message.schemaFormat === undefined || JSON_SCHEMA_FORMATS.test(message.schemaFormat);
  const payloadSchema = isObject(message.payload) ? message.payload : undefined;
  const discriminatorProperty = typeof payloadSchema?.discriminator === 'string' ? payloadSchema.discriminator : undefined;
  let discriminator: ContractMessage['discriminator'];
  if (discriminatorProperty) {
    const property = isObject(payloadSchema?.properties) ? payloadSchema.properties[discriminatorProperty] : undefined;
    const fixed = isObject(property) ? ('const' in property ? property.const : Array.isArray(property.enum) && property.enum.length === 1 ? (property.enum as unknown[])[0] : undefined) : undefined;
    discriminator = { property: discriminatorProperty, value: fixed ?? message.name ?? message.id };
  }
  return {
    id: message.id,
    name: message.name ?? message.id,
    document,
    payload: jsonSchema ? validators.get(message.payload) : undefined,
    headers: validators.get(message.headers),
    payloadPath: message.payloadPath,
    headersPath: message.headersPath,
    correlationLocation: message.correlationId?.location,
    discriminator,
    jsonSchema,
  };
}

function validateMessage(message: ContractMessage, headers: Record<string, unknown>, payload: unknown, json: boolean): ValidationError[] {
  const errors: ValidationError[] = [];
  if (message.payload) {
    if (!json) errors.push({ part: 'payload', instancePath: '', message: 'payload is not JSON', schemaPath: message.payloadPath });
    else if (!message.payload(payload)) errors.push(...mapErrors(message.payload.errors, 'payload', message.payloadPath));
  }
  if (message.headers && !message.headers(headers)) errors.push(...mapErrors(message.headers.errors, 'headers', message.headersPath));
  return errors;
}

function mapErrors(errors: ErrorObject[] | null | undefined, part: ValidationError['part'], base: string[] | undefined): ValidationError[] {
  return (errors ?? []).map((error) => {
    const detail =
      error.keyword === 'additionalProperties'
        ? ` ("${String((error.params as { additionalProperty?: string }).additionalProperty)}")`
        : error.keyword === 'enum'
          ? `: ${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)}`
          : '';
    return {
      part,
      instancePath: error.instancePath,
      message: `${error.message ?? error.keyword}${detail}`,
      schemaPath: base ? [...base, ...error.schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)] : undefined,
    };
  });
}

function withoutControlHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  let clean: Record<string, unknown> | undefined;
  for (const key in headers) {
    if (key.startsWith(CONTROL_HEADER_PREFIX) || key === 'messageName') {
      clean ??= { ...headers };
      delete clean[key];
    }
  }
  return clean ?? headers;
}
