import * as vscode from 'vscode';
import { NavClient, type NavBuffer } from '../core/worker/navClient';
import type { NavQuery, NavResults } from '../core/worker/navProtocol';
import { SupersededError } from '../core/worker/workerConnection';
import { Disposable } from './disposable';
import type { Log } from './log';

/** Editor queries (outline, lenses, hovers, completion, navigation) answered by dist/navWorker.js. */
export class Navigation extends Disposable {
  private readonly client: NavClient;

  constructor(
    workerScript: string,
    private readonly log: Log,
  ) {
    super();
    this.client = new NavClient(workerScript);
    this.register({ dispose: () => void this.client.dispose() });
    this.register(vscode.workspace.onDidCloseTextDocument((document) => this.client.forget(document.uri.fsPath)));
  }

  /** The answer for `document` at its current version; undefined when a newer query replaced it or the editor gave up. */
  async query<Q extends NavQuery>(document: vscode.TextDocument, query: Q, token?: vscode.CancellationToken): Promise<NavResults[Q['op']] | undefined> {
    // Other files' unsaved buffers win over their contents on disk, as in validation.
    const others = vscode.workspace.textDocuments.filter((open) => open.isDirty && open.uri.scheme === 'file' && open !== document);
    try {
      const result = await this.client.query([buffer(document), ...others.map(buffer)], query);
      return token?.isCancellationRequested ? undefined : result;
    } catch (error) {
      if (error instanceof SupersededError) return undefined;
      this.log.error(`${query.op} for ${document.uri.fsPath} failed`, error);
      return undefined;
    }
  }
}

function buffer(document: vscode.TextDocument): NavBuffer {
  return { file: document.uri.fsPath, version: document.version, getText: () => document.getText() };
}
