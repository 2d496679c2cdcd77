import * as vscode from 'vscode';
import { isAsyncApiText } from '../../core/validate/detect';
import { Config } from '../config';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import { BrokerSession } from './brokerSession';
import { BrokerStatusBar } from './statusBar';

/**
 * Starts and stops the broker for the workspace's AsyncAPI documents. The session and what hangs off it
 * live as long as the broker runs; the controller and its status bar item as long as the extension.
 */
export class BrokerController extends Disposable {
  private session?: BrokerSession;
  private sessionDisposables: vscode.Disposable[] = [];
  private readonly statusBar = this.register(new BrokerStatusBar());
  private readonly sessionChanged = this.register(new vscode.EventEmitter<BrokerSession | undefined>());
  /** Fires with the new session when the broker starts, and with undefined when it stops. */
  readonly onDidChangeSession = this.sessionChanged.event;

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly config: Config,
    private readonly log: Log,
  ) {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (this.session && Config.affectsBroker(event)) void vscode.window.showInformationMessage('Eventscope: restart the broker to apply the new broker settings.');
      }),
    );
    this.register({ dispose: () => void this.stop() });
  }

  get running(): BrokerSession | undefined {
    return this.session;
  }

  async start(): Promise<BrokerSession | undefined> {
    if (this.session) return this.session;
    const documents = await findAsyncApiDocuments();
    if (documents.length === 0) {
      void vscode.window.showWarningMessage('Eventscope: no AsyncAPI document in the workspace declares channels for the broker.');
      return undefined;
    }
    const storage = this.extension.storageUri ?? this.extension.globalStorageUri;
    const session = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Eventscope: starting the broker' },
      () =>
        BrokerSession.start({
          cli: vscode.Uri.joinPath(this.extension.extensionUri, 'dist', 'cli.js').fsPath,
          documents,
          storage: vscode.Uri.joinPath(storage, 'broker').fsPath,
          settings: this.config.broker,
          log: this.log,
        }),
    );
    this.session = session;
    this.sessionDisposables = [session, session.onDidChange((stats) => this.statusBar.show(stats))];
    this.statusBar.show(session.current);
    await vscode.commands.executeCommand('setContext', 'eventscope.brokerRunning', true);
    this.sessionChanged.fire(session);
    return session;
  }

  async stop(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = undefined;
    await session.stop();
    for (const disposable of this.sessionDisposables.splice(0)) disposable.dispose();
    this.statusBar.hide();
    await vscode.commands.executeCommand('setContext', 'eventscope.brokerRunning', false);
    this.sessionChanged.fire(undefined);
    this.log.info(`broker stopped; journal kept at ${session.journalFile}`);
  }
}

/** The AsyncAPI documents of the workspace, as files on disk. */
export async function findAsyncApiDocuments(): Promise<string[]> {
  const candidates = await vscode.workspace.findFiles('**/*.{yaml,yml,json}', '**/{node_modules,.git,dist,out}/**', 5000);
  const documents: string[] = [];
  for (const uri of candidates) {
    const head = new TextDecoder().decode((await vscode.workspace.fs.readFile(uri)).subarray(0, 8192));
    if (uri.scheme === 'file' && isAsyncApiText(head)) documents.push(uri.fsPath);
  }
  return documents;
}
