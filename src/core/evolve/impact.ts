import type { Action } from '../model/eventModel';
import { addressShape, type DiffReport } from './documentDiff';
import type { LoadedDocument } from './loader';

export interface ImpactedApplication {
  file: string;
  title: string;
  operation: string;
  action: Action;
  /** It sends what this application receives, or receives what it sends: it holds the other side of the contract. */
  counterpart: boolean;
  /** A counterpart on a channel with a breaking change. */
  broken: boolean;
}

export interface ChannelImpact {
  address: string;
  applications: ImpactedApplication[];
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
    const breaking = report.changes.some((change) => change.class === 'breaking' && change.channels.includes(address));
    const applications = others
      .filter((other) => other.file !== changed.file)
      .flatMap((other) =>
        other.model.operations.flatMap((operation) => {
          const channel = other.model.channels.find((candidate) => candidate.id === operation.channelId);
          if (!channel || addressShape(channel.address ?? channel.id) !== shape) return [];
          // With no operation of its own on the channel, every user is on the other side.
          const counterpart = ownActions.size === 0 || [...ownActions].some((action) => action !== operation.action);
          return [{ file: other.file, title: other.model.title, operation: operation.id, action: operation.action, counterpart, broken: counterpart && breaking }];
        }),
      );
    return applications.length > 0 ? [{ address, applications }] : [];
  });
}
