import * as vscode from 'vscode';
import { BrokerController } from './broker/brokerController';
import { Codegen } from './codegen';
import { COMMANDS } from './commands';
import { VersionContentProvider } from './compare';
import { Config } from './config';
import { DocumentService } from './diagnostics';
import { Disposable } from './disposable';
import { registerLanguageFeatures } from './languageFeatures';
import { LiveDiff } from './liveDiff';
import { Log } from './log';

/** Everything the extension owns for its lifetime, disposed with it. */
export class Ctx extends Disposable {
  readonly log = this.register(new Log());
  readonly config = new Config();
  readonly documents: DocumentService;
  readonly broker: BrokerController;
  /** Earlier versions shown read-only when the comparison report reveals the old side of a change. */
  readonly versions = new VersionContentProvider();
  readonly codegen: Codegen;

  constructor(readonly extension: vscode.ExtensionContext) {
    super();
    this.documents = this.register(new DocumentService(vscode.Uri.joinPath(extension.extensionUri, 'dist', 'validationWorker.js').fsPath, this.config, this.log));
    this.broker = this.register(new BrokerController(extension, this.config, this.log));
    this.codegen = this.register(new Codegen(this));
    for (const [id, factory] of Object.entries(COMMANDS)) this.register(vscode.commands.registerCommand(id, factory(this)));
    registerLanguageFeatures(this);
    this.register(vscode.workspace.registerTextDocumentContentProvider(VersionContentProvider.scheme, this.versions));
    this.register(new LiveDiff(this));
    this.log.info(`Eventscope ${String((extension.extension.packageJSON as { version: string }).version)} activated`);
  }

  /** Registration helper for features that live as long as the extension. */
  own<T extends vscode.Disposable>(disposable: T): T {
    return this.register(disposable);
  }
}
