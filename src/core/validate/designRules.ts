import type { FixHint } from '../../shared/findings';
import type { EventModel, JsonObject, MessageNode } from '../model/eventModel';
import type { DesignRuleCode } from './ruleCatalog';

export interface RuleFinding {
  code: DesignRuleCode;
  /** Path in the resolved document. */
  path: string[];
  message: string;
  fix?: FixHint;
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Eventscope's event-design rules over the normalized model. */
export function checkDesignRules(model: EventModel): RuleFinding[] {
  return [
    ...duplicateMessages(model),
    ...operationsWithoutMessages(model),
    ...unusedChannels(model),
    ...unresolvedCorrelationIds(model),
    ...addressParameters(model),
    ...payloadsWithoutType(model),
    ...openMessageSchemas(model),
  ];
}

function duplicateMessages(model: EventModel): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const [label, key] of [
    // Without a `name` field a message goes by its key (3.x) unless a 2.x `messageId` identifies it.
    ['name', (message: MessageNode) => message.declaredName ?? (message.messageId === undefined ? message.name : undefined)],
    ['ID', (message: MessageNode) => message.messageId],
  ] as const) {
    const firstByKey = new Map<string, MessageNode>();
    for (const message of model.messages) {
      const value = key(message);
      if (value === undefined) continue;
      const first = firstByKey.get(value);
      if (!first) {
        firstByKey.set(value, message);
        continue;
      }
      // The same message declared twice with the same content is one message, not a clash.
      if (JSON.stringify(first.payload) === JSON.stringify(message.payload) && JSON.stringify(first.headers) === JSON.stringify(message.headers)) continue;
      findings.push({
        code: 'eventscope-duplicate-message',
        path: message.path,
        message: `Message ${label} "${value}" is already used by a different message at ${first.path.join('/')}: consumers cannot tell them apart.`,
      });
    }
  }
  return findings;
}

function operationsWithoutMessages(model: EventModel): RuleFinding[] {
  return model.operations
    .filter((operation) => operation.messageIds.length === 0)
    .map((operation) => ({
      code: 'eventscope-operation-without-messages' as const,
      path: operation.path,
      message: `Operation "${operation.id}" ${operation.action}s no message: nothing says what travels on its channel.`,
    }));
}

function unusedChannels(model: EventModel): RuleFinding[] {
  const used = new Set<string>();
  for (const operation of model.operations) {
    if (operation.channelId) used.add(operation.channelId);
    if (operation.reply?.channelId) used.add(operation.reply.channelId);
  }
  return model.channels
    .filter((channel) => !used.has(channel.id))
    .map((channel) => ({
      code: 'eventscope-unused-channel' as const,
      path: channel.path,
      message: `Channel "${channel.id}" is used by no operation of this application.`,
    }));
}

/** Follows a JSON pointer through a schema's properties, looking into allOf/oneOf/anyOf branches. */
export function schemaHasField(schema: unknown, segments: readonly string[]): boolean {
  if (!isObject(schema)) return false;
  if (segments.length === 0) return true;
  const [head, ...rest] = segments as [string, ...string[]];
  const properties = isObject(schema.properties) ? schema.properties : undefined;
  if (properties && head in properties && schemaHasField(properties[head], rest)) return true;
  if (isObject(schema.items) && /^\d+$/.test(head) && schemaHasField(schema.items, rest)) return true;
  for (const combinator of ['allOf', 'oneOf', 'anyOf'] as const) {
    const branches = schema[combinator];
    if (Array.isArray(branches) && branches.some((branch) => schemaHasField(branch, segments))) return true;
  }
  return false;
}

const RUNTIME_EXPRESSION = /^\$message\.(header|payload)#(\/.*)?$/;

function unresolvedCorrelationIds(model: EventModel): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const message of model.messages) {
    const correlation = message.correlationId;
    if (!correlation) continue;
    const match = RUNTIME_EXPRESSION.exec(correlation.location);
    if (!match) {
      findings.push({
        code: 'eventscope-correlation-id-unresolved',
        path: correlation.path,
        message: `Correlation ID location "${correlation.location}" is not a runtime expression of the form $message.header#/field or $message.payload#/field.`,
      });
      continue;
    }
    const part = match[1] === 'header' ? 'headers' : 'payload';
    const segments = (match[2] ?? '').split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (!schemaHasField(message[part], segments)) {
      findings.push({
        code: 'eventscope-correlation-id-unresolved',
        path: correlation.path,
        message: `Correlation ID location "${correlation.location}" names no field of the message ${part}${message.name ? ` of "${message.name}"` : ''}.`,
      });
    }
  }
  return findings;
}

const ADDRESS_PARAMETER = /\{([^{}]+)\}/g;

function addressParameters(model: EventModel): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const channel of model.channels) {
    if (channel.address === null) continue;
    const used = [...channel.address.matchAll(ADDRESS_PARAMETER)].map((match) => match[1] ?? '');
    const declared = new Set(channel.parameters.map((parameter) => parameter.name));
    for (const name of new Set(used)) {
      if (declared.has(name)) continue;
      findings.push({
        code: 'eventscope-undeclared-parameter',
        // 3.x keeps the address in `address`; in 2.x the address is the channel's key.
        path: model.major === 3 ? [...channel.path, 'address'] : channel.path,
        message: `Address parameter "{${name}}" of channel "${channel.id}" is not declared in its parameters.`,
        fix: { kind: 'declareParameter', name },
      });
    }
    for (const parameter of channel.parameters) {
      if (used.includes(parameter.name)) continue;
      findings.push({
        code: 'eventscope-unused-parameter',
        path: parameter.path,
        message: `Parameter "${parameter.name}" is declared but the address "${channel.address}" does not use it.`,
      });
    }
  }
  return findings;
}

const TYPE_KEYWORDS = ['type', 'allOf', 'oneOf', 'anyOf', 'not', 'enum', 'const', '$ref', 'if'];

function payloadsWithoutType(model: EventModel): RuleFinding[] {
  return model.messages
    .filter((message) => message.payloadPath && isObject(message.payload) && !TYPE_KEYWORDS.some((keyword) => keyword in (message.payload as JsonObject)))
    .filter((message) => message.schemaFormat === undefined || /asyncapi|schema\+(json|yaml)/.test(message.schemaFormat))
    .map((message) => ({
      code: 'eventscope-payload-without-type' as const,
      path: message.payloadPath ?? message.path,
      message: `The payload of ${message.name ? `"${message.name}"` : 'this message'} has no type: any value would be valid.`,
    }));
}

/** An object schema is closed when it forbids properties it does not name. */
function isClosedObject(schema: JsonObject): boolean {
  return schema.additionalProperties === false || schema.unevaluatedProperties === false;
}

function isObjectSchema(schema: unknown): schema is JsonObject {
  return isObject(schema) && (schema.type === 'object' || (isObject(schema.properties) && schema.type === undefined));
}

function openMessageSchemas(model: EventModel): RuleFinding[] {
  const objectPayloads = model.messages.filter((message) => isObjectSchema(message.payload));
  const closed = objectPayloads.filter((message) => isClosedObject(message.payload as JsonObject));
  if (closed.length === 0) return [];
  return objectPayloads
    .filter((message) => !isClosedObject(message.payload as JsonObject))
    .map((message) => ({
      code: 'eventscope-open-message-schema' as const,
      path: message.payloadPath ?? message.path,
      message: `The payload of ${message.name ? `"${message.name}"` : 'this message'} accepts any extra property, while ${closed.length} other message${closed.length === 1 ? ' is' : 's are'} closed (additionalProperties: false).`,
    }));
}
