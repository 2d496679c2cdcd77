import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import { buildEventModel, type ServerNode } from '../../core/model/eventModel';
import { serverVariables } from '../../core/tap/servers';
import { findAsyncApiDocuments } from '../broker/brokerController';
import type { Config } from '../config';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import { TapSession, type TapCredentialsEnv, type TapStats } from './tapSession';

/** Arguments of `eventscope.attachToServer` from tests or other extensions: no prompt for what they give. */
export interface AttachArgs {
  document: string;
  server: string;
  variables?: Record<string, string>;
}

interface ServerChoice {
  document: string;
  server: ServerNode;
  /** The server declares `security`: the tap needs credentials. */
  secured: boolean;
}

const secretKey = (document: string, server: string): string => `eventscope.tap:${document}#${server}`;

/**
 * The servers Eventscope is attached to, for the extension's lifetime: each one a `trace attach` process.
 * Credentials live in SecretStorage, asked for once per server that declares security.
 */
export class TapController extends Disposable {
  private readonly sessions = new Map<string, { session: TapSession; disposables: vscode.Disposable[] }>();
  private readonly changed = this.register(new vscode.EventEmitter<readonly TapSession[]>());
  /** Fires with the attached sessions whenever one attaches or detaches. */
  readonly onDidChangeSessions = this.changed.event;
  private readonly statusBar = this.register(new TapStatusBar());

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly config: Config,
    private readonly log: Log,
  ) {
    super();
    this.register({ dispose: () => void this.detachAll() });
  }

  get attached(): TapSession[] {
    return [...this.sessions.values()].map(({ session }) => session);
  }

  /** Picks a server (or takes `args`), fills its variables, and attaches; undefined when the user cancels. */
  async attach(args?: AttachArgs): Promise<TapSession | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Eventscope: attaching to a server connects to hosts the documents name; trust the workspace first.');
      return undefined;
    }
    const choice = args ? await this.choiceOf(args) : await this.pickServer();
    if (!choice) return undefined;
    const key = `${choice.document}#${choice.server.name}`;
    const existing = this.sessions.get(key);
    if (existing) return existing.session;
    const variables = args ? { ...args.variables } : await this.askVariables(choice.server);
    if (!variables) return undefined;
    const credentials = await this.credentials(choice, args !== undefined);
    if (!credentials) return undefined;
    const storage = this.extension.storageUri ?? this.extension.globalStorageUri;
    const session = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Eventscope: attaching to ${choice.server.name}` }, () =>
      TapSession.start({
        cli: vscode.Uri.joinPath(this.extension.extensionUri, 'dist', 'cli.js').fsPath,
        document: choice.document,
        server: choice.server.name,
        variables,
        credentials,
        storage: vscode.Uri.joinPath(storage, 'tap').fsPath,
        ringSize: this.config.broker.traceRingSize,
        log: this.log,
      }),
    );
    const disposables = [
      session,
      session.onDidChange(() => this.statusBar.show(this.attached.map((each) => each.current))),
      session.onDidExit(() => void this.forget(key)),
    ];
    this.sessions.set(key, { session, disposables });
    this.statusBar.show(this.attached.map((each) => each.current));
    await vscode.commands.executeCommand('setContext', 'eventscope.tapAttached', true);
    this.changed.fire(this.attached);
    return session;
  }

  /** Detaches one server (picked when several are attached), or every one with `all`. */
  async detach(server?: string): Promise<void> {
    const candidates = [...this.sessions.entries()].filter(([, { session }]) => server === undefined || session.server === server);
    let chosen = candidates;
    if (server === undefined && candidates.length > 1) {
      const picked = await vscode.window.showQuickPick(
        candidates.map(([key, { session }]) => ({ label: session.server, description: vscode.workspace.asRelativePath(key.slice(0, key.lastIndexOf('#'))), key })),
        { title: 'Eventscope: detach from which server?' },
      );
      if (!picked) return;
      chosen = candidates.filter(([key]) => key === picked.key);
    }
    for (const [key, { session }] of chosen) {
      await session.stop();
      this.forget(key);
    }
  }

  private async detachAll(): Promise<void> {
    await Promise.all(this.attached.map((session) => session.stop()));
  }

  private forget(key: string): void {
    const entry = this.sessions.get(key);
    if (!entry) return;
    this.sessions.delete(key);
    for (const disposable of entry.disposables) disposable.dispose();
    this.log.info(`detached from ${entry.session.server}; journal kept at ${entry.session.journalFile}`);
    if (this.sessions.size === 0) this.statusBar.hide();
    else this.statusBar.show(this.attached.map((each) => each.current));
    void vscode.commands.executeCommand('setContext', 'eventscope.tapAttached', this.sessions.size > 0);
    this.changed.fire(this.attached);
  }

  private async choiceOf(args: AttachArgs): Promise<ServerChoice | undefined> {
    const choices = await serversOf(args.document);
    const choice = choices.find((candidate) => candidate.server.name === args.server);
    if (!choice) throw new Error(`no server "${args.server}" in ${args.document}`);
    return choice;
  }

  private async pickServer(): Promise<ServerChoice | undefined> {
    const choices = (await Promise.all((await findAsyncApiDocuments()).map((document) => serversOf(document).catch(() => [])))).flat();
    if (choices.length === 0) {
      void vscode.window.showWarningMessage('Eventscope: no AsyncAPI document in the workspace names a server.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      choices.map((choice) => ({
        label: choice.server.name,
        description: `${choice.server.protocol}://${choice.server.host}${choice.server.pathname ?? ''}`,
        detail: vscode.workspace.asRelativePath(choice.document),
        choice,
      })),
      { title: 'Eventscope: attach to server', placeHolder: 'A server of the workspace documents', matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.choice;
  }

  /** Each variable of host and pathname: a pick of its enum, or an input box with its default. */
  private async askVariables(server: ServerNode): Promise<Record<string, string> | undefined> {
    const values: Record<string, string> = {};
    for (const variable of serverVariables(server)) {
      const title = `Eventscope: {${variable.name}} of ${server.name}`;
      let value: string | undefined;
      if (variable.enum && variable.enum.length > 0) {
        const ordered = variable.default && variable.enum.includes(variable.default) ? [variable.default, ...variable.enum.filter((item) => item !== variable.default)] : variable.enum;
        value = await vscode.window.showQuickPick(ordered, { title, placeHolder: variable.description });
      } else {
        value = await vscode.window.showInputBox({ title, prompt: variable.description, value: variable.default, ignoreFocusOut: true, validateInput: (text) => (text === '' ? 'a value is needed' : undefined) });
      }
      if (value === undefined) return undefined;
      values[variable.name] = value;
    }
    return values;
  }

  /** Stored credentials, or asked for (and stored) when the server declares security; `{}` when none are needed. */
  private async credentials(choice: ServerChoice, quiet: boolean): Promise<TapCredentialsEnv | undefined> {
    const key = secretKey(choice.document, choice.server.name);
    const stored = await this.extension.secrets.get(key);
    if (stored) return JSON.parse(stored) as TapCredentialsEnv;
    if (!choice.secured || quiet) return {};
    const title = `Eventscope: credentials for ${choice.server.name}`;
    const username = await vscode.window.showInputBox({ title, prompt: 'User name (empty for a token or none)', ignoreFocusOut: true });
    if (username === undefined) return undefined;
    const password = await vscode.window.showInputBox({ title, prompt: username ? 'Password' : 'Token (NATS), or empty', password: true, ignoreFocusOut: true });
    if (password === undefined) return undefined;
    const credentials: TapCredentialsEnv = username ? { username, password } : password ? { token: password } : {};
    await this.extension.secrets.store(key, JSON.stringify(credentials));
    return credentials;
  }
}

/** The servers of one document, read from its own text: the extension host never loads the parser. */
async function serversOf(document: string): Promise<ServerChoice[]> {
  const open = vscode.workspace.textDocuments.find((candidate) => candidate.uri.fsPath === document);
  const raw: unknown = parse(open?.getText() ?? (await readFile(document, 'utf8')));
  const model = buildEventModel(raw);
  const servers = (raw as { servers?: Record<string, { security?: unknown }> } | null)?.servers ?? {};
  return (model?.servers ?? []).map((server) => ({
    document,
    server,
    secured: Array.isArray(servers[server.name]?.security) && (servers[server.name]?.security as unknown[]).length > 0,
  }));
}

/** One item for every attached server: its rate, and its reconnect attempts while it is away. */
class TapStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('eventscope.tap', vscode.StatusBarAlignment.Left, 9);

  constructor() {
    this.item.name = 'Eventscope Tap';
    this.item.command = 'eventscope.detachFromServer';
  }

  show(stats: readonly TapStats[]): void {
    const away = stats.filter((each) => each.state === 'reconnecting');
    this.item.text = `$(plug) ${stats
      .map((each) => (each.state === 'reconnecting' ? `${each.server} $(sync~spin) ${each.attempts}` : `${each.server} ${each.rate.toFixed(0)}/s`))
      .join('  ')}`;
    this.item.tooltip = [
      ...stats.map(
        (each) =>
          `${each.server}: ${each.state}, ${each.messages} messages, ${each.invalid} invalid, ${each.reconnects} reconnects${each.state === 'reconnecting' ? `, attempt ${each.attempts}` : ''}`,
      ),
      'Click to detach.',
    ].join('\n');
    this.item.backgroundColor = away.length > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
