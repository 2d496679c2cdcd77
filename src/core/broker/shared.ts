import { BoundedMap } from '../trace/ring';
import { topicMatches } from './topics';

interface Group {
  group: string;
  filter: string;
  members: string[];
  next: number;
}

/**
 * Competing consumers over aedes: a `$share/<group>/<filter>` subscription is registered with aedes as a
 * plain `<filter>` subscription, and every delivery to a group member asks `allows()`, which lets each
 * message through to exactly one connected member (round robin), the same one on every ask.
 */
export class SharedSubscriptions {
  private readonly groups = new Map<string, Group>();
  /** Plain subscriptions per client: a client that also subscribed directly always gets the message. */
  private readonly direct = new Map<string, Set<string>>();
  private readonly memberships = new Map<string, Set<Group>>();
  private readonly chosen = new BoundedMap<string, string>(50_000);

  get size(): number {
    return this.groups.size;
  }

  join(clientId: string, group: string, filter: string): void {
    const key = `${group}\0${filter}`;
    let entry = this.groups.get(key);
    if (!entry) {
      entry = { group, filter, members: [], next: 0 };
      this.groups.set(key, entry);
    }
    if (!entry.members.includes(clientId)) entry.members.push(clientId);
    const memberships = this.memberships.get(clientId) ?? new Set();
    memberships.add(entry);
    this.memberships.set(clientId, memberships);
  }

  leave(clientId: string, group: string, filter: string): void {
    const entry = this.groups.get(`${group}\0${filter}`);
    if (!entry) return;
    entry.members = entry.members.filter((member) => member !== clientId);
    this.memberships.get(clientId)?.delete(entry);
    if (entry.members.length === 0) this.groups.delete(`${group}\0${filter}`);
  }

  subscribeDirect(clientId: string, filter: string): void {
    const filters = this.direct.get(clientId) ?? new Set();
    filters.add(filter);
    this.direct.set(clientId, filters);
  }

  unsubscribeDirect(clientId: string, filter: string): void {
    this.direct.get(clientId)?.delete(filter);
  }

  /** A client whose session ends leaves every group and forgets its plain subscriptions. */
  forget(clientId: string): void {
    for (const entry of this.memberships.get(clientId) ?? []) this.leave(clientId, entry.group, entry.filter);
    this.memberships.delete(clientId);
    this.direct.delete(clientId);
  }

  inGroup(clientId: string): boolean {
    return (this.memberships.get(clientId)?.size ?? 0) > 0;
  }

  hasSharedFilter(clientId: string, filter: string): boolean {
    for (const entry of this.memberships.get(clientId) ?? []) if (entry.filter === filter) return true;
    return false;
  }

  /** Whether `clientId` gets the message `messageKey` on `topic`; `connected` tells which members can take it. */
  allows(clientId: string, topic: string, messageKey: string, connected: (clientId: string) => boolean): boolean {
    const memberships = this.memberships.get(clientId);
    if (!memberships || memberships.size === 0) return true;
    for (const filter of this.direct.get(clientId) ?? []) if (topicMatches(filter, topic)) return true;
    let member = false;
    for (const entry of memberships) {
      if (!topicMatches(entry.filter, topic)) continue;
      member = true;
      const choiceKey = `${entry.group}\0${entry.filter}\0${messageKey}`;
      let choice = this.chosen.get(choiceKey);
      if (choice === undefined) {
        const candidates = entry.members.filter(connected);
        const pool = candidates.length > 0 ? candidates : entry.members;
        choice = pool[entry.next++ % pool.length] ?? clientId;
        this.chosen.set(choiceKey, choice);
      }
      if (choice === clientId) return true;
    }
    // Not a member for this topic: the delivery comes from a subscription shares do not cover.
    return !member;
  }
}
