import type { Action, ChannelNode, JsonObject, MessageNode, OperationNode } from '../model/eventModel';
import type { Range } from '../../shared/findings';
import type { LoadedDocument, SourceLocation } from './loader';
import { categoryOf, DIFF_RULES, type RuleId } from './rules';
import { attachCounterexample, CanonicalJson, SchemaComparer, type Counterexample, type Effect, type SchemaChange } from './schemaDiff';
import { checkVersion, type VersionCheck } from './version';

export type ChangeClass = 'breaking' | 'non-breaking' | 'unclassified';
export const BASE_MODES = ['role', 'backward', 'forward', 'full', 'none'] as const;
export const MODES = ['role', 'backward', 'forward', 'full', 'backward-transitive', 'forward-transitive', 'full-transitive', 'none'] as const;
export type CompatibilityMode = (typeof MODES)[number];
/** Who holds the schema on the other side: consumers of what the application sends, producers of what it receives. */
export type Role = Action | 'both';

export interface ChangeLocation {
  file: string;
  /** JSON pointer inside `file`. */
  pointer: string;
  range?: Range;
}

/** The part of a message a schema change is in. */
export type MessagePart = 'payload' | 'headers';

export interface Change {
  rule: RuleId;
  class: ChangeClass;
  message: string;
  help: string;
  old?: ChangeLocation;
  new?: ChangeLocation;
  /** Every place that uses the changed schema, e.g. `send lightTurnOn › turnOnOff`. */
  usages: string[];
  /** Addresses of the channels the change concerns, so other applications on them can be found. */
  channels: string[];
  /** The messages (name, else ID) the change is in; empty for a change to a channel, operation or server. */
  messages: string[];
  /** For a change inside a message's payload or headers schema. */
  part?: MessagePart;
  /** For a schema change: a message, verified with ajv, that one version accepts and the other rejects (worked out on first read). */
  readonly counterexample?: Counterexample;
}

export interface DiffConfig {
  /** Re-class a rule or a whole category (`schema`, `channel`…), or switch it off; a rule's own setting wins over its category's. */
  rules?: Partial<Record<string, ChangeClass | 'off'>>;
  /** Ignore changes at `path` or below it (whole JSON-pointer segments), for `rule` (or a category), or every rule. */
  ignore?: { rule?: string; path: string }[];
}

export interface DiffOptions extends DiffConfig {
  /** An explicit mode (a CLI flag) wins over the document's `x-eventscope-compatibility`. */
  mode?: CompatibilityMode;
  /** The mode when neither the caller nor the document chooses one (a setting). */
  defaultMode?: CompatibilityMode;
  /** Line/column ranges cost a positional parse of each changed file; JSON output does without. Default true. */
  ranges?: boolean;
}

export interface DiffReport {
  mode: CompatibilityMode;
  changes: Change[];
  summary: { breaking: number; nonBreaking: number; unclassified: number };
  version: VersionCheck;
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const CLASS_RANK: Record<ChangeClass, number> = { 'non-breaking': 0, unclassified: 1, breaking: 2 };

export function isMode(value: unknown): value is CompatibilityMode {
  return typeof value === 'string' && (MODES as readonly string[]).includes(value);
}

/** Why a document's `x-eventscope-compatibility` is not a mode, naming the valid ones; undefined when it is one or absent. */
export function compatibilityProblem(doc: LoadedDocument): string | undefined {
  const declared = doc.resolved['x-eventscope-compatibility'];
  if (declared === undefined || isMode(declared)) return undefined;
  return `x-eventscope-compatibility ${JSON.stringify(declared)} is not a compatibility mode; use one of ${MODES.join(', ')}`;
}

/** The mode in force: the caller's, else the document's own, else the setting's, else role-aware. */
export function modeFor(oldDoc: LoadedDocument, newDoc: LoadedDocument, options: DiffOptions): CompatibilityMode {
  const declared = newDoc.resolved['x-eventscope-compatibility'] ?? oldDoc.resolved['x-eventscope-compatibility'];
  return options.mode ?? (isMode(declared) ? declared : undefined) ?? options.defaultMode ?? 'role';
}

/** Breaking or not follows from what the change does to the accepted messages, the role and the mode. */
export function classify(effect: Effect, role: Role, mode: CompatibilityMode): ChangeClass {
  if (effect === 'neutral') return 'non-breaking';
  if (effect === 'undecided') return 'unclassified';
  const base = mode.replace('-transitive', '');
  if (base === 'none') return 'non-breaking';
  if (effect === 'incompatible') return 'breaking';
  // backward: the new schema must accept all the old one did (what a receiver needs); forward: the reverse.
  const need = base === 'role' ? (role === 'receive' ? 'backward' : role === 'send' ? 'forward' : 'full') : base;
  if (need === 'full') return 'breaking';
  return (need === 'backward') === (effect === 'narrows') ? 'breaking' : 'non-breaking';
}

/** `pointer` is `ancestor` or lies below it: `/Order` covers `/Order/id` but not `/OrderV2`. */
const within = (pointer: string, ancestor: string): boolean => {
  const prefix = ancestor.replace(/\/+$/, '');
  return pointer === prefix || pointer.startsWith(`${prefix}/`);
};

const escapePointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');
export const toPointer = (segments: readonly string[]): string => segments.map((segment) => `/${escapePointer(segment)}`).join('');

/** Where a path of the resolved document is written: the deepest object on the way that has an origin. */
function locateIn(doc: LoadedDocument, path: readonly string[]): SourceLocation {
  let node: unknown = doc.resolved;
  let best: SourceLocation = { file: doc.file, pointer: [...path] };
  for (let i = 0; i <= path.length; i++) {
    if (typeof node === 'object' && node !== null) {
      const origin = doc.origins.get(node);
      if (origin) best = { file: origin.file, pointer: [...origin.pointer, ...path.slice(i)] };
    }
    if (i === path.length) break;
    const segment = path[i] as string;
    node = Array.isArray(node) ? node[Number(segment)] : isObject(node) ? node[segment] : undefined;
  }
  return best;
}

/** A location worked out only when a change is reported there: most places compare equal. */
function lazyLocation(doc: LoadedDocument, path: readonly string[]): SourceLocation {
  let found: SourceLocation | undefined;
  const resolve = (): SourceLocation => (found ??= locateIn(doc, path));
  return {
    get file() {
      return resolve().file;
    },
    get pointer() {
      return resolve().pointer;
    },
  };
}

/** How a change names the message it is in: its name, else its ID. */
export const messageKey = (message: MessageNode): string => message.name ?? message.id;

/** A message's payload or headers schema, resolved. */
export function messageSchema(doc: LoadedDocument, message: MessageNode, part: MessagePart): unknown {
  return nodeAt(doc, part === 'payload' ? message.payloadPath : message.headersPath);
}

function nodeAt(doc: LoadedDocument, path: readonly string[] | undefined): unknown {
  if (!path) return undefined;
  let node: unknown = doc.resolved;
  for (const segment of path) node = Array.isArray(node) ? node[Number(segment)] : isObject(node) ? node[segment] : undefined;
  return node;
}

/** `a/{id}/b` and `a/{lightId}/b` are the same address on the wire. */
export const addressShape = (address: string | null): string | null => address?.replace(/\{[^}]*\}/g, '{}') ?? null;
const placeholders = (address: string | null): string[] => [...(address ?? '').matchAll(/\{([^}]*)\}/g)].map((match) => match[1] ?? '');

/** JSON-Schema-family formats compare as schemas; anything else (Avro, Protobuf…) is opaque. */
function schemaFamily(format: string | undefined): string {
  if (!format) return 'json-schema';
  const lower = format.toLowerCase();
  if (lower.includes('asyncapi') || lower.includes('schema+json') || lower.includes('schema+yaml') || lower.includes('openapi')) return 'json-schema';
  return lower.replace(/;.*$/, '');
}

const SCHEMA_BINDING_FIELDS: Record<string, string[]> = {
  kafka: ['key', 'groupId', 'clientId'],
  http: ['query', 'headers'],
  ws: ['query', 'headers'],
  anypointmq: ['headers'],
  googlepubsub: ['schema'],
};

interface ModelIndex {
  channelsById: Map<string, ChannelNode>;
  messagesById: Map<string, MessageNode>;
  operationsByChannel: Map<string, OperationNode[]>;
}

function indexModel(doc: LoadedDocument): ModelIndex {
  const operationsByChannel = new Map<string, OperationNode[]>();
  for (const operation of doc.model.operations) {
    if (operation.channelId === undefined) continue;
    const list = operationsByChannel.get(operation.channelId);
    if (list) list.push(operation);
    else operationsByChannel.set(operation.channelId, [operation]);
  }
  return { channelsById: new Map(doc.model.channels.map((channel) => [channel.id, channel])), messagesById: new Map(doc.model.messages.map((message) => [message.id, message])), operationsByChannel };
}

interface Pending {
  change: SchemaChange;
  role: Role;
  usage: string;
  channel?: string;
  /** The message (name, else ID) the change is in. */
  message?: string;
}

/** Compares two versions of one document through the normalized model, and checks the version bump. */
export function diffDocuments(oldDoc: LoadedDocument, newDoc: LoadedDocument, options: DiffOptions = {}): DiffReport {
  const mode = modeFor(oldDoc, newDoc, options);
  const differ = new DocumentDiffer(oldDoc, newDoc);
  differ.run();
  const changes = finish(differ.pending, mode, options, oldDoc, newDoc);
  return report(mode, changes, oldDoc.model.version, newDoc.model.version);
}

/**
 * Transitive modes check the newest version against every earlier one (oldest first); a change is
 * listed once, however many earlier versions it breaks.
 */
export function diffTransitive(history: LoadedDocument[], latest: LoadedDocument, options: DiffOptions = {}): DiffReport {
  const previous = history[history.length - 1];
  if (!previous) throw new Error('diffTransitive needs at least one earlier version');
  const mode = modeFor(previous, latest, options);
  const compared = mode.endsWith('-transitive') ? history : [previous];
  const byKey = new Map<string, Change>();
  for (const earlier of compared) {
    const differ = new DocumentDiffer(earlier, latest);
    differ.run();
    for (const change of finish(differ.pending, mode, options, earlier, latest)) {
      const key = `${change.rule}|${change.new?.file}${change.new?.pointer}|${change.message}`;
      const known = byKey.get(key);
      if (!known || CLASS_RANK[change.class] > CLASS_RANK[known.class]) byKey.set(key, change);
    }
  }
  return report(mode, [...byKey.values()], previous.model.version, latest.model.version);
}

function report(mode: CompatibilityMode, changes: Change[], oldVersion: string, newVersion: string): DiffReport {
  const summary = {
    breaking: changes.filter((change) => change.class === 'breaking').length,
    nonBreaking: changes.filter((change) => change.class === 'non-breaking').length,
    unclassified: changes.filter((change) => change.class === 'unclassified').length,
  };
  return { mode, changes, summary, version: checkVersion(oldVersion, newVersion, changes) };
}

/** Classifies each usage, merges changes reused through `$ref` into one, and applies the project config. */
function finish(pending: Pending[], mode: CompatibilityMode, config: DiffOptions, oldDoc: LoadedDocument, newDoc: LoadedDocument): Change[] {
  const merged = new Map<string, Change>();
  const where = (doc: LoadedDocument, location: SourceLocation | undefined): ChangeLocation | undefined =>
    location && { file: location.file, pointer: toPointer(location.pointer), range: config.ranges === false ? undefined : doc.rangeOf(location.file, location.pointer) };
  for (const { change, role, usage, channel, message } of pending) {
    const category = categoryOf(change.rule);
    const setting = config.rules?.[change.rule] ?? config.rules?.[category];
    if (setting === 'off') continue;
    const changeClass = setting ?? classify(change.effect, role, mode);
    const oldAt = where(oldDoc, change.old);
    const newAt = where(newDoc, change.new);
    if (config.ignore?.some((entry) => (!entry.rule || entry.rule === change.rule || entry.rule === category) && [oldAt?.pointer, newAt?.pointer].some((pointer) => pointer !== undefined && within(pointer, entry.path)))) continue;
    const key = `${change.rule}|${oldAt?.file}#${oldAt?.pointer}|${newAt?.file}#${newAt?.pointer}|${change.message}`;
    const known = merged.get(key);
    if (known) {
      if (usage && !known.usages.includes(usage)) known.usages.push(usage);
      if (channel !== undefined && !known.channels.includes(channel)) known.channels.push(channel);
      if (message !== undefined && !known.messages.includes(message)) known.messages.push(message);
      if (CLASS_RANK[changeClass] > CLASS_RANK[known.class]) known.class = changeClass;
      continue;
    }
    const entry: Change = { rule: change.rule, class: changeClass, message: change.message, help: DIFF_RULES[change.rule], old: oldAt, new: newAt, usages: usage ? [usage] : [], channels: channel === undefined ? [] : [channel], messages: message === undefined ? [] : [message], part: change.part };
    // Read through, so the counterexample is only computed for the reports that show it.
    Object.defineProperty(entry, 'counterexample', { enumerable: true, get: () => change.counterexample });
    merged.set(key, entry);
  }
  return [...merged.values()];
}

class DocumentDiffer {
  readonly pending: Pending[] = [];
  private readonly canonical = new CanonicalJson();
  /** Message pairs already compared: a message reused by many operations is compared once, then re-classed per role. */
  private readonly messageChanges = new Map<string, SchemaChange[]>();
  private readonly oldIndex: ModelIndex;
  private readonly newIndex: ModelIndex;

  constructor(
    private readonly oldDoc: LoadedDocument,
    private readonly newDoc: LoadedDocument,
  ) {
    this.oldIndex = indexModel(oldDoc);
    this.newIndex = indexModel(newDoc);
  }

  private index(doc: LoadedDocument): ModelIndex {
    return doc === this.oldDoc ? this.oldIndex : this.newIndex;
  }

  /** The address of the channel being compared, recorded with each change found there. */
  private channelAddress: string | undefined;

  private add(change: SchemaChange, role: Role, usage: string, message?: string): void {
    this.pending.push({ change, role, usage, channel: this.channelAddress, message });
  }

  private fixed(rule: RuleId, effect: Effect, message: string, oldPath: readonly string[] | undefined, newPath: readonly string[] | undefined, usage = ''): void {
    this.add({ rule, effect, message, old: oldPath && locateIn(this.oldDoc, oldPath), new: newPath && locateIn(this.newDoc, newPath) }, 'both', usage);
  }

  private schemas(oldSchema: unknown, newSchema: unknown, oldAt: SourceLocation, newAt: SourceLocation, part?: MessagePart): SchemaChange[] {
    const found: SchemaChange[] = [];
    const comparer = new SchemaComparer(this.canonical, (node) => this.oldDoc.origins.get(node), (node) => this.newDoc.origins.get(node), (change) => found.push(part ? { ...change, part } : change));
    comparer.compare(oldSchema, newSchema, oldAt, newAt);
    for (const change of found) attachCounterexample(change, oldSchema, newSchema);
    return found;
  }

  run(): void {
    this.servers();
    const channelPairs = this.matchChannels();
    for (const [oldChannel, newChannel] of channelPairs) {
      this.channelAddress = newChannel.address ?? newChannel.id;
      this.channel(oldChannel, newChannel);
    }
    this.operations(channelPairs);
    this.channelAddress = undefined;
  }

  private servers(): void {
    const oldServers = this.oldDoc.model.servers;
    const newServers = this.newDoc.model.servers;
    const hostOf = (doc: LoadedDocument, name: string, host: string): string => {
      const raw = nodeAt(doc, ['servers', name]);
      const pathname = isObject(raw) && typeof raw.pathname === 'string' ? raw.pathname : '';
      return `${host}${pathname}`.replace(/^[a-z0-9+.-]+:\/\//i, '').replace(/\/+$/, '');
    };
    for (const server of oldServers) {
      const counterpart = newServers.find((candidate) => candidate.name === server.name);
      if (!counterpart) {
        this.fixed('server-removed', 'incompatible', `Server "${server.name}" removed`, server.path, ['servers']);
        continue;
      }
      if (server.protocol !== counterpart.protocol) {
        this.fixed('server-protocol-changed', 'incompatible', `Server "${server.name}" protocol ${server.protocol} → ${counterpart.protocol}`, [...server.path, 'protocol'], [...counterpart.path, 'protocol']);
      }
      const before = hostOf(this.oldDoc, server.name, server.host);
      const after = hostOf(this.newDoc, counterpart.name, counterpart.host);
      if (before !== after) this.fixed('server-host-changed', 'incompatible', `Server "${server.name}" host ${before} → ${after}`, server.path, counterpart.path);
      this.security(nodeAt(this.oldDoc, [...server.path, 'security']), nodeAt(this.newDoc, [...counterpart.path, 'security']), [...server.path, 'security'], [...counterpart.path, 'security'], `server ${server.name}`);
    }
    for (const server of newServers) {
      if (!oldServers.some((candidate) => candidate.name === server.name)) this.fixed('server-added', 'neutral', `Server "${server.name}" added`, ['servers'], server.path);
    }
  }

  /** Channels pair by address shape first (2.x keys are addresses, 3.x keys are IDs), then by 3.x key. */
  private matchChannels(): [ChannelNode, ChannelNode][] {
    const pairs: [ChannelNode, ChannelNode][] = [];
    const unmatchedNew = new Set(this.newDoc.model.channels);
    const unmatchedOld: ChannelNode[] = [];
    const byShape = new Map<string, ChannelNode[]>();
    for (const channel of this.newDoc.model.channels) {
      const shape = addressShape(channel.address);
      if (shape !== null) byShape.set(shape, [...(byShape.get(shape) ?? []), channel]);
    }
    for (const channel of this.oldDoc.model.channels) {
      const shape = addressShape(channel.address);
      const candidates = (shape === null ? [] : (byShape.get(shape) ?? [])).filter((candidate) => unmatchedNew.has(candidate));
      const match = candidates.find((candidate) => candidate.id === channel.id) ?? candidates[0];
      if (match) {
        pairs.push([channel, match]);
        unmatchedNew.delete(match);
      } else unmatchedOld.push(channel);
    }
    for (const channel of unmatchedOld) {
      const match = [...unmatchedNew].find((candidate) => candidate.id === channel.id);
      if (match) {
        pairs.push([channel, match]);
        unmatchedNew.delete(match);
      } else {
        this.channelAddress = channel.address ?? channel.id;
        this.fixed('channel-removed', 'incompatible', `Channel "${channel.address ?? channel.id}" removed`, channel.path, ['channels']);
      }
    }
    for (const channel of unmatchedNew) {
      this.channelAddress = channel.address ?? channel.id;
      this.fixed('channel-added', 'neutral', `Channel "${channel.address ?? channel.id}" added`, ['channels'], channel.path);
    }
    this.channelAddress = undefined;
    return pairs;
  }

  private rolesOf(doc: LoadedDocument, channel: ChannelNode): Role {
    const actions = new Set(this.index(doc).operationsByChannel.get(channel.id)?.map((operation) => operation.action));
    return actions.size === 1 ? ([...actions][0] as Action) : 'both';
  }

  private channel(oldChannel: ChannelNode, newChannel: ChannelNode): void {
    const label = newChannel.address ?? newChannel.id;
    const role = this.rolesOf(this.newDoc, newChannel);
    if (this.oldDoc.model.major === 3 && this.newDoc.model.major === 3 && oldChannel.id !== newChannel.id) {
      this.fixed('channel-renamed', 'neutral', `Channel key "${oldChannel.id}" → "${newChannel.id}" (address unchanged)`, oldChannel.path, newChannel.path);
    }
    const oldNames = placeholders(oldChannel.address);
    const newNames = placeholders(newChannel.address);
    if (addressShape(oldChannel.address) !== addressShape(newChannel.address)) {
      const rule: RuleId = newNames.length > oldNames.length ? 'parameter-added' : newNames.length < oldNames.length ? 'parameter-removed' : 'channel-address-changed';
      this.fixed(rule, 'incompatible', `Channel address "${oldChannel.address}" → "${newChannel.address}"`, [...oldChannel.path, ...(this.oldDoc.model.major === 3 ? ['address'] : [])], [...newChannel.path, ...(this.newDoc.model.major === 3 ? ['address'] : [])]);
    } else {
      oldNames.forEach((name, index) => {
        const renamed = newNames[index];
        if (renamed !== undefined && renamed !== name) {
          this.fixed('parameter-renamed', 'neutral', `Address parameter {${name}} renamed {${renamed}} in "${label}"`, oldChannel.path, newChannel.path);
        }
      });
    }
    // Parameters pair by position in the address: that is what the wire sees.
    oldNames.forEach((name, index) => {
      const newName = newNames[index];
      const before = oldChannel.parameters.find((parameter) => parameter.name === name);
      const after = newChannel.parameters.find((parameter) => parameter.name === newName);
      if (!before || !after) return;
      for (const change of this.schemas(before.schema, after.schema, lazyLocation(this.oldDoc, before.path), lazyLocation(this.newDoc, after.path))) {
        this.add(change, role, `parameter {${newName}} of ${label}`);
      }
    });
    this.bindings(oldChannel.bindings, newChannel.bindings, [...oldChannel.path, 'bindings'], [...newChannel.path, 'bindings'], role, `channel ${label}`);
    // A channel no operation uses is compared on its own messages, holding both roles.
    const used = (doc: LoadedDocument, channel: ChannelNode): boolean => this.index(doc).operationsByChannel.has(channel.id);
    if (!used(this.oldDoc, oldChannel) && !used(this.newDoc, newChannel)) {
      this.messageSets(oldChannel.messageIds, newChannel.messageIds, 'both', label, oldChannel.path, newChannel.path);
    }
  }

  private operations(channelPairs: [ChannelNode, ChannelNode][]): void {
    const newOf = new Map(channelPairs.map(([before, after]) => [before.id, after.id]));
    const matchedNew = new Set<OperationNode>();
    const addressOf = (doc: LoadedDocument, channelId: string | undefined): string | undefined => {
      const channel = channelId === undefined ? undefined : this.index(doc).channelsById.get(channelId);
      return channel ? (channel.address ?? channel.id) : undefined;
    };
    for (const operation of this.oldDoc.model.operations) {
      const channelId = operation.channelId === undefined ? undefined : newOf.get(operation.channelId);
      this.channelAddress = addressOf(this.oldDoc, operation.channelId);
      const onChannel = (channelId === undefined ? this.newDoc.model.operations.filter((candidate) => candidate.channelId === undefined) : (this.newIndex.operationsByChannel.get(channelId) ?? [])).filter((candidate) => !matchedNew.has(candidate));
      const match = onChannel.find((candidate) => candidate.action === operation.action && candidate.id === operation.id) ?? onChannel.find((candidate) => candidate.action === operation.action);
      if (match) {
        matchedNew.add(match);
        this.operation(operation, match);
        continue;
      }
      const flipped = onChannel.find((candidate) => candidate.id === operation.id) ?? (onChannel.length === 1 ? onChannel[0] : undefined);
      if (flipped) {
        matchedNew.add(flipped);
        this.fixed('operation-action-changed', 'incompatible', `Operation "${operation.id}" ${operation.action} → ${flipped.action}`, operation.path, flipped.path);
        continue;
      }
      // A channel that is gone is reported once, as the channel.
      if (channelId !== undefined || operation.channelId === undefined) {
        this.fixed('operation-removed', 'incompatible', `Operation "${operation.id}" (${operation.action}) removed`, operation.path, this.newDoc.model.major === 3 ? ['operations'] : undefined);
      }
    }
    const pairedNew = new Set(newOf.values());
    for (const operation of this.newDoc.model.operations) {
      if (matchedNew.has(operation)) continue;
      if (operation.channelId !== undefined && !pairedNew.has(operation.channelId)) continue;
      this.channelAddress = addressOf(this.newDoc, operation.channelId);
      this.fixed('operation-added', 'neutral', `Operation "${operation.id}" (${operation.action}) added`, this.oldDoc.model.major === 3 ? ['operations'] : undefined, operation.path);
    }
  }

  private operation(before: OperationNode, after: OperationNode): void {
    const label = `${after.action} ${after.id}`;
    if (before.id !== after.id && !before.id.includes('.') && !after.id.includes('.')) {
      this.fixed('operation-renamed', 'neutral', `Operation "${before.id}" renamed "${after.id}"`, before.path, after.path);
    }
    this.messageSets(before.messageIds, after.messageIds, after.action, label, before.path, after.path);
    const rawBefore = nodeAt(this.oldDoc, before.path);
    const rawAfter = nodeAt(this.newDoc, after.path);
    const field = (raw: unknown, key: string): unknown => (isObject(raw) ? raw[key] : undefined);
    this.security(field(rawBefore, 'security'), field(rawAfter, 'security'), [...before.path, 'security'], [...after.path, 'security'], label);
    this.bindings(field(rawBefore, 'bindings'), field(rawAfter, 'bindings'), [...before.path, 'bindings'], [...after.path, 'bindings'], after.action, label);
    this.reply(before, after, label);
  }

  private reply(before: OperationNode, after: OperationNode, label: string): void {
    if (!before.reply) return;
    if (!after.reply) {
      this.fixed('reply-changed', 'incompatible', `The reply of ${label} was removed`, [...before.path, 'reply'], after.path);
      return;
    }
    const channelAddress = (doc: LoadedDocument, id: string | undefined): string | null | undefined => (id === undefined ? undefined : addressShape(doc.model.channels.find((channel) => channel.id === id)?.address ?? null));
    const oldChannel = channelAddress(this.oldDoc, before.reply.channelId);
    const newChannel = channelAddress(this.newDoc, after.reply.channelId);
    if (before.reply.address !== after.reply.address || oldChannel !== newChannel) {
      const text = (address: string | undefined, channel: string | null | undefined): string => address ?? channel ?? 'none';
      this.fixed('reply-changed', 'incompatible', `The reply of ${label} moved: ${text(before.reply.address, oldChannel)} → ${text(after.reply.address, newChannel)}`, [...before.path, 'reply'], [...after.path, 'reply']);
    }
    // The application receives the replies to what it sends, and sends the replies to what it receives.
    const replyRole: Action = after.action === 'send' ? 'receive' : 'send';
    this.messageSets(before.reply.messageIds, after.reply.messageIds, replyRole, `reply of ${label}`, [...before.path, 'reply'], [...after.path, 'reply']);
  }

  /** Messages pair by name; an anonymous message pairs with the one left on the other side; identical content under a new name is a rename. */
  private messageSets(oldIds: string[], newIds: string[], role: Role, label: string, oldParent: string[], newParent: string[]): void {
    const messagesOf = (doc: LoadedDocument, ids: string[]): MessageNode[] => ids.flatMap((id) => this.index(doc).messagesById.get(id) ?? []);
    const olds = messagesOf(this.oldDoc, oldIds);
    const news = messagesOf(this.newDoc, newIds);
    const pairs: [MessageNode, MessageNode][] = [];
    const leftNew = new Set(news);
    const leftOld: MessageNode[] = [];
    for (const message of olds) {
      const match = message.name === undefined ? undefined : [...leftNew].find((candidate) => candidate.name === message.name);
      if (match) {
        pairs.push([message, match]);
        leftNew.delete(match);
      } else leftOld.push(message);
    }
    const stillOld: MessageNode[] = [];
    for (const message of leftOld) {
      const sameContent = [...leftNew].find((candidate) => this.canonical.equal(this.payload(this.newDoc, candidate), this.payload(this.oldDoc, message)) && this.canonical.equal(this.headers(this.newDoc, candidate), this.headers(this.oldDoc, message)));
      const anonymous = leftOld.length === 1 && leftNew.size === 1 && (message.name === undefined || [...leftNew][0]?.name === undefined) ? [...leftNew][0] : undefined;
      const match = anonymous ?? sameContent;
      if (!match) {
        stillOld.push(message);
        continue;
      }
      leftNew.delete(match);
      pairs.push([message, match]);
      if (message.name !== undefined && match.name !== undefined && message.name !== match.name) {
        this.fixed('message-renamed', 'neutral', `Message "${message.name}" renamed "${match.name}" in ${label}`, message.path, match.path, label);
      }
    }
    for (const [before, after] of pairs) {
      for (const change of this.compareMessages(before, after)) this.add(change, role, `${label} › ${messageKey(after)}`, messageKey(after));
    }
    for (const message of stillOld) {
      this.add({ rule: 'message-removed', effect: 'narrows', message: `Message "${messageKey(message)}" removed from ${label}`, old: locateIn(this.oldDoc, message.path), new: locateIn(this.newDoc, newParent) }, role, label, messageKey(message));
    }
    for (const message of leftNew) {
      this.add({ rule: 'message-added', effect: 'widens', message: `Message "${messageKey(message)}" added to ${label}`, old: locateIn(this.oldDoc, oldParent), new: locateIn(this.newDoc, message.path) }, role, label, messageKey(message));
    }
  }

  private payload(doc: LoadedDocument, message: MessageNode): unknown {
    return nodeAt(doc, message.payloadPath);
  }

  private headers(doc: LoadedDocument, message: MessageNode): unknown {
    return nodeAt(doc, message.headersPath);
  }

  private compareMessages(before: MessageNode, after: MessageNode): SchemaChange[] {
    const key = `${before.id}\u0000${after.id}`;
    const known = this.messageChanges.get(key);
    if (known) return known;
    const found: SchemaChange[] = [];
    const at = (doc: LoadedDocument, path: string[] | undefined, fallback: string[], segment: string): SourceLocation => lazyLocation(doc, path ?? [...fallback, segment]);
    const oldFamily = schemaFamily(before.schemaFormat);
    const newFamily = schemaFamily(after.schemaFormat);
    const oldPayload = this.payload(this.oldDoc, before);
    const newPayload = this.payload(this.newDoc, after);
    const oldPayloadAt = at(this.oldDoc, before.payloadPath, before.path, 'payload');
    const newPayloadAt = at(this.newDoc, after.payloadPath, after.path, 'payload');
    if (oldFamily !== newFamily) {
      found.push({ rule: 'schema-format-changed', effect: 'incompatible', message: `Payload schema format ${before.schemaFormat ?? 'default'} → ${after.schemaFormat ?? 'default'}`, old: oldPayloadAt, new: newPayloadAt });
    } else if (newFamily !== 'json-schema') {
      if (!this.canonical.equal(oldPayload, newPayload)) {
        found.push({ rule: 'payload-undecided', effect: 'undecided', message: `Payload in schema format ${after.schemaFormat ?? ''} changed; only JSON Schema payloads are compared`, old: oldPayloadAt, new: newPayloadAt });
      }
    } else found.push(...this.schemas(oldPayload, newPayload, oldPayloadAt, newPayloadAt, 'payload'));
    found.push(...this.schemas(this.headers(this.oldDoc, before), this.headers(this.newDoc, after), at(this.oldDoc, before.headersPath, before.path, 'headers'), at(this.newDoc, after.headersPath, after.path, 'headers'), 'headers'));
    const oldCorrelation = before.correlationId?.location;
    const newCorrelation = after.correlationId?.location;
    if (oldCorrelation !== undefined && oldCorrelation !== newCorrelation) {
      found.push({ rule: 'correlation-id-changed', effect: 'incompatible', message: `Correlation ID ${oldCorrelation} → ${newCorrelation ?? 'none'}`, old: locateIn(this.oldDoc, before.correlationId?.path ?? before.path), new: locateIn(this.newDoc, after.correlationId?.path ?? after.path) });
    }
    const oldType = before.contentType ?? this.oldDoc.model.defaultContentType ?? 'application/json';
    const newType = after.contentType ?? this.newDoc.model.defaultContentType ?? 'application/json';
    if (oldType !== newType) {
      found.push({ rule: 'content-type-changed', effect: 'incompatible', message: `Content type ${oldType} → ${newType}`, old: locateIn(this.oldDoc, [...before.path, 'contentType']), new: locateIn(this.newDoc, [...after.path, 'contentType']) });
    }
    const collect: Pending[] = [];
    this.bindingsInto(collect, before.bindings, after.bindings, [...before.path, 'bindings'], [...after.path, 'bindings'], 'both', '');
    found.push(...collect.map((entry) => entry.change));
    this.messageChanges.set(key, found);
    return found;
  }

  /** Schema-valued binding fields (a Kafka key) compare as schemas with the role; other fields are protocol specific. */
  private bindings(before: unknown, after: unknown, oldPath: string[], newPath: string[], role: Role, usage: string): void {
    this.bindingsInto(this.pending, before, after, oldPath, newPath, role, usage);
  }

  private bindingsInto(into: Pending[], before: unknown, after: unknown, oldPath: string[], newPath: string[], role: Role, usage: string): void {
    if (this.canonical.equal(before, after)) return;
    const oldBindings = isObject(before) ? before : {};
    const newBindings = isObject(after) ? after : {};
    for (const protocol of new Set([...Object.keys(oldBindings), ...Object.keys(newBindings)])) {
      const oldBinding = isObject(oldBindings[protocol]) ? (oldBindings[protocol]) : {};
      const newBinding = isObject(newBindings[protocol]) ? (newBindings[protocol]) : {};
      const schemaFields = SCHEMA_BINDING_FIELDS[protocol] ?? [];
      for (const field of new Set([...Object.keys(oldBinding), ...Object.keys(newBinding)])) {
        if (field === 'bindingVersion' || this.canonical.equal(oldBinding[field], newBinding[field])) continue;
        const oldAt = lazyLocation(this.oldDoc, [...oldPath, protocol, field]);
        const newAt = lazyLocation(this.newDoc, [...newPath, protocol, field]);
        if (schemaFields.includes(field)) {
          for (const change of this.schemas(oldBinding[field], newBinding[field], oldAt, newAt)) into.push({ change, role, usage: usage || `${protocol} ${field}` });
        } else {
          into.push({ change: { rule: 'binding-changed', effect: 'undecided', message: `${protocol} binding "${field}" changed: ${this.canonical.of(oldBinding[field])} → ${this.canonical.of(newBinding[field])}`, old: oldAt, new: newAt }, role, usage });
        }
      }
    }
  }

  /** Security requirements are alternatives; each alternative is a set of schemes, compared by what they require. */
  private security(before: unknown, after: unknown, oldPath: string[], newPath: string[], usage: string): void {
    const oldAlternatives = this.alternatives(this.oldDoc, before);
    const newAlternatives = this.alternatives(this.newDoc, after);
    if (oldAlternatives.length === 0 && newAlternatives.length === 0) return;
    if (oldAlternatives.length === 0) {
      this.fixed('security-added', 'incompatible', `Security now required on ${usage}`, oldPath.slice(0, -1), newPath, usage);
      return;
    }
    if (newAlternatives.length === 0) {
      this.fixed('security-removed', 'neutral', `Security no longer required on ${usage}`, oldPath, newPath.slice(0, -1), usage);
      return;
    }
    const keys = (alternatives: { key: string }[]): string[] => alternatives.map((alternative) => alternative.key);
    const removed = oldAlternatives.filter((alternative) => !keys(newAlternatives).includes(alternative.key)).map((alternative) => alternative.label);
    const added = newAlternatives.filter((alternative) => !keys(oldAlternatives).includes(alternative.key)).map((alternative) => alternative.label);
    if (removed.length > 0) this.fixed('security-changed', 'incompatible', `Security alternative removed on ${usage}: ${removed.join(' | ')}`, oldPath, newPath, usage);
    if (added.length > 0) this.fixed('security-alternative-added', 'neutral', `Security alternative added on ${usage}: ${added.join(' | ')}`, oldPath, newPath, usage);
  }

  private alternatives(doc: LoadedDocument, requirements: unknown): { key: string; label: string }[] {
    if (!Array.isArray(requirements)) return [];
    const components = isObject(doc.resolved.components) ? doc.resolved.components : {};
    const schemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
    return requirements.map((requirement) => {
      if (!isObject(requirement)) return { key: 'unknown', label: 'unknown' };
      // 3.x lists scheme objects with their required scopes; 2.x lists `{ schemeName: scopes }` maps.
      const parts =
        typeof requirement.type === 'string'
          ? [this.schemeIdentity(doc, requirement, requirement.scopes)]
          : Object.entries(requirement).map(([name, scopes]) => this.schemeIdentity(doc, schemes[name], scopes, name));
      parts.sort((a, b) => a.key.localeCompare(b.key));
      return { key: parts.map((part) => part.key).join(' & '), label: parts.map((part) => part.label).join(' & ') };
    });
  }

  /**
   * What a client must present: the scheme's kind, where it goes and the scopes required. 2.x and 3.x
   * spell flows' scopes differently (`scopes` vs `availableScopes`), which is no change for a client.
   */
  private schemeIdentity(doc: LoadedDocument, scheme: unknown, scopes: unknown, name?: string): { key: string; label: string } {
    if (!isObject(scheme)) return { key: `unknown ${name ?? ''}`, label: name ?? 'unknown' };
    const origin = doc.origins.get(scheme)?.pointer;
    const label = name ?? (origin?.includes('securitySchemes') ? origin.at(-1) : undefined) ?? String(scheme.type);
    const flows = isObject(scheme.flows)
      ? Object.fromEntries(
          Object.entries(scheme.flows).map(([flow, value]) => [flow, isObject(value) ? [value.authorizationUrl, value.tokenUrl] : null]),
        )
      : undefined;
    const required = Array.isArray(scopes) ? scopes.map(String).sort() : [];
    const key = this.canonical.of({ type: scheme.type, in: scheme.in, name: scheme.name, scheme: scheme.scheme, openIdConnectUrl: scheme.openIdConnectUrl, flows, required });
    return { key, label: `${label}${required.length > 0 ? ` [${required.join(', ')}]` : ''}` };
  }
}
