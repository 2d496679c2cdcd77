import type { Action, OperationNode } from '../model/eventModel';
import { addressShape, messageKey, messageSchema, type Change, type DiffReport } from './documentDiff';
import type { LoadedDocument } from './loader';
import { schemaIncludes } from './schemaDiff';

export interface ImpactedApplication {
  file: string;
  title: string;
  operation: string;
  action: Action;
  /** It sends what this application receives, or receives what it sends: it holds the other side of the contract. */
  counterpart: boolean;
  /** A counterpart that a breaking change reaches: it uses the changed message, and its own schema does not absorb the change. */
  broken: boolean;
}

export interface ChannelImpact {
  address: string;
  applications: ImpactedApplication[];
}

/**
 * Whether a breaking change reaches another application's operation: a change to the channel (or an
 * operation or server) reaches every counterpart; a change inside a message only those that use that
 * message, and only when their own schema does not already accept the new one (for a consumer) or
 * send only what the new one accepts (for a producer).
 */
function breaks(change: Change, changed: LoadedDocument, other: LoadedDocument, operation: OperationNode): boolean {
  if (change.messages.length === 0) return true;
  const theirs = operation.messageIds.flatMap((id) => other.model.messages.find((message) => message.id === id) ?? []);
  // An anonymous message (2.x) matches whatever single message the channel carries.
  const used = theirs.filter((message) => change.messages.includes(messageKey(message)) || (message.name === undefined && theirs.length === 1));
  if (used.length === 0) return false;
  const { part } = change;
  const ours = changed.model.messages.find((message) => change.messages.includes(messageKey(message)));
  if (!part || !ours) return true;
  const ourSchema = messageSchema(changed, ours, part);
  return used.some((message) => {
    const theirSchema = messageSchema(other, message, part);
    return operation.action === 'receive' ? !schemaIncludes(theirSchema, ourSchema) : !schemaIncludes(ourSchema, theirSchema);
  });
}

/**
 * Who else in the workspace uses the channels a report touches, and which of them the breaking changes
 * break: "who consumes this channel, and will my change break them?" Channels match by address shape.
 */
export function impactOf(report: DiffReport, changed: LoadedDocument, others: readonly LoadedDocument[]): ChannelImpact[] {
  const addresses = [...new Set(report.changes.flatMap((change) => change.channels))];
  return addresses.flatMap((address) => {
    const shape = addressShape(address);
    const ownActions = new Set(
      changed.model.operations
        .filter((operation) => changed.model.channels.some((channel) => channel.id === operation.channelId && addressShape(channel.address ?? channel.id) === shape))
        .map((operation) => operation.action),
    );
    const breaking = report.changes.filter((change) => change.class === 'breaking' && change.channels.includes(address));
    const applications = others
      .filter((other) => other.file !== changed.file)
      .flatMap((other) =>
        other.model.operations.flatMap((operation) => {
          const channel = other.model.channels.find((candidate) => candidate.id === operation.channelId);
          if (!channel || addressShape(channel.address ?? channel.id) !== shape) return [];
          // With no operation of its own on the channel, every user is on the other side.
          const counterpart = ownActions.size === 0 || [...ownActions].some((action) => action !== operation.action);
          const broken = counterpart && breaking.some((change) => breaks(change, changed, other, operation));
          return [{ file: other.file, title: other.model.title, operation: operation.id, action: operation.action, counterpart, broken }];
        }),
      );
    return applications.length > 0 ? [{ address, applications }] : [];
  });
}
