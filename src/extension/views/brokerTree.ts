import * as vscode from 'vscode';
import type { BrokerStatsInfo, ChannelStatsInfo, DeadLetterInfo } from '../../core/broker/adminTypes';
import type { BrokerController } from '../broker/brokerController';
import type { BrokerSession } from '../broker/brokerSession';
import { Disposable } from '../disposable';
import type { Log } from '../log';

export type BrokerNode =
  | { kind: 'group'; group: 'channels' | 'clients' | 'deadLetters' }
  | { kind: 'channel'; channel: ChannelStatsInfo }
  | { kind: 'consumer'; channel: string; consumer: string }
  | { kind: 'client'; client: string }
  | { kind: 'deadLetter'; letter: DeadLetterInfo };

/** Context value of dead-letter items; package.json's `view/item/context` menus key Redrive and Delete on it. */
export const DEAD_LETTER_CONTEXT = 'eventscope.deadLetter';
/** Journal reads come every second; the admin API is asked at most this often. */
const REFRESH_MS = 1000;
/** Clients connect and leave without writing to the journal, so a visible view also polls. */
const POLL_MS = 3000;

/**
 * The "Eventscope Broker" view: channels with message counts and consumers, connected clients, and dead
 * letters. Refreshed from the broker's admin API whenever the journal follower reads new events, or on demand.
 */
export class BrokerTreeProvider extends Disposable implements vscode.TreeDataProvider<BrokerNode> {
  private readonly changed = this.register(new vscode.EventEmitter<BrokerNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private stats?: BrokerStatsInfo;
  private letters: DeadLetterInfo[] = [];
  private session?: BrokerSession;
  private sessionListener?: vscode.Disposable;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private poller?: NodeJS.Timeout;

  constructor(
    broker: BrokerController,
    private readonly log: Log,
  ) {
    super();
    this.register(broker.onDidChangeSession((session) => this.follow(session)));
    this.register({ dispose: () => (this.follow(undefined), this.setVisible(false)) });
    this.follow(broker.running);
  }

  /** Fetches stats and dead letters now; resolves once the view has them. */
  refresh(): Promise<void> {
    const session = this.session;
    if (!session) return Promise.resolve();
    this.inFlight ??= Promise.all([session.admin.stats(), session.admin.deadLetters()])
      .then(([stats, letters]) => {
        if (this.session !== session) return;
        this.stats = stats;
        this.letters = letters;
        this.changed.fire(undefined);
      })
      .catch((error: unknown) => this.log.warn(`broker view: ${(error as Error).message}`))
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Polls only while the view is on screen. */
  setVisible(visible: boolean): void {
    clearInterval(this.poller);
    this.poller = visible ? setInterval(() => void this.refresh(), POLL_MS) : undefined;
    if (visible) void this.refresh();
  }

  getTreeItem(node: BrokerNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const [label, count, icon] =
          node.group === 'channels'
            ? ['Channels', this.stats?.channels.length ?? 0, 'symbol-event']
            : node.group === 'clients'
              ? ['Clients', this.stats?.clients.length ?? 0, 'plug']
              : ['Dead letters', this.letters.length, 'inbox'];
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `group:${node.group}`;
        item.description = String(count);
        item.iconPath = new vscode.ThemeIcon(icon);
        return item;
      }
      case 'channel': {
        const { channel } = node;
        const item = new vscode.TreeItem(channel.channel, channel.consumers.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `channel:${channel.channel}`;
        item.description = `${channel.messages} msg · ${channel.consumers.length} consumer${channel.consumers.length === 1 ? '' : 's'}${channel.invalid > 0 ? ` · ${channel.invalid} invalid` : ''}`;
        item.tooltip = `${channel.channel}${channel.declared ? '' : ' (not declared in any document)'}\n${channel.messages} messages, ${channel.invalid} invalid\nConsumers: ${channel.consumers.join(', ') || 'none yet'}`;
        item.iconPath = new vscode.ThemeIcon(channel.invalid > 0 ? 'warning' : channel.declared ? 'symbol-event' : 'question');
        item.contextValue = 'eventscope.channel';
        return item;
      }
      case 'consumer': {
        const item = new vscode.TreeItem(node.consumer);
        item.id = `consumer:${node.channel}:${node.consumer}`;
        item.iconPath = new vscode.ThemeIcon('person');
        return item;
      }
      case 'client': {
        const item = new vscode.TreeItem(node.client);
        item.id = `client:${node.client}`;
        item.iconPath = new vscode.ThemeIcon('plug');
        return item;
      }
      case 'deadLetter': {
        const { letter } = node;
        const item = new vscode.TreeItem(letter.topic);
        item.id = `dlq:${letter.id}`;
        item.description = letter.reason;
        item.tooltip = `${letter.id} · ${new Date(letter.time).toLocaleTimeString()} · ${letter.size} bytes\n${letter.reason}\n\n${letter.body.slice(0, 2000)}`;
        item.iconPath = new vscode.ThemeIcon('mail');
        item.contextValue = DEAD_LETTER_CONTEXT;
        return item;
      }
    }
  }

  getChildren(node?: BrokerNode): BrokerNode[] {
    if (!this.session) return [];
    if (!node) return (['channels', 'clients', 'deadLetters'] as const).map((group) => ({ kind: 'group', group }));
    if (node.kind === 'group') {
      if (node.group === 'channels') return (this.stats?.channels ?? []).map((channel) => ({ kind: 'channel', channel }));
      if (node.group === 'clients') return (this.stats?.clients ?? []).map((client) => ({ kind: 'client', client }));
      return this.letters.map((letter) => ({ kind: 'deadLetter', letter }));
    }
    if (node.kind === 'channel') return node.channel.consumers.map((consumer) => ({ kind: 'consumer', channel: node.channel.channel, consumer }));
    return [];
  }

  private follow(session: BrokerSession | undefined): void {
    this.sessionListener?.dispose();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.session = session;
    this.stats = undefined;
    this.letters = [];
    this.changed.fire(undefined);
    if (!session) return;
    this.sessionListener = session.onDidRecord(() => this.scheduleRefresh());
    void this.refresh();
  }

  private scheduleRefresh(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, REFRESH_MS);
  }
}
