import * as vscode from 'vscode';
import { BrokerController } from './broker/brokerController';
import { Codegen } from './codegen';
import { COMMANDS } from './commands';
import { VersionContentProvider } from './compare';
import { Config } from './config';
import { DocumentService } from './diagnostics';
import { Disposable } from './disposable';
import { registerLanguageFeatures, SELECTOR } from './languageFeatures';
import { LiveDiff } from './liveDiff';
import { Navigation } from './navigation';
import { ScenarioService } from './broker/scenarios';
import { TestEventLensProvider } from './broker/testEventLens';
import { Log } from './log';
import { TapController } from './tap/tapController';
import { BrokerTreeProvider, type BrokerNode } from './views/brokerTree';
import { FLOW_VIEW_TYPE, FlowPanelSerializer } from './webviews/flowPanel';
import { TRACE_VIEW_TYPE, TracePanelSerializer } from './webviews/tracePanel';

/** Everything the extension owns for its lifetime, disposed with it. */
export class Ctx extends Disposable {
  readonly log = this.register(new Log());
  readonly config = new Config();
  readonly documents: DocumentService;
  readonly navigation: Navigation;
  readonly broker: BrokerController;
  readonly taps: TapController;
  /** Earlier versions shown read-only when the comparison report reveals the old side of a change. */
  readonly versions = new VersionContentProvider();
  readonly codegen: Codegen;
  readonly brokerTree: BrokerTreeProvider;
  readonly scenarios: ScenarioService;

  constructor(readonly extension: vscode.ExtensionContext) {
    super();
    this.documents = this.register(new DocumentService(vscode.Uri.joinPath(extension.extensionUri, 'dist', 'validationWorker.js').fsPath, this.config, this.log));
    this.navigation = this.register(new Navigation(vscode.Uri.joinPath(extension.extensionUri, 'dist', 'navWorker.js').fsPath, this.log));
    this.broker = this.register(new BrokerController(extension, this.config, this.log));
    this.taps = this.register(new TapController(extension, this.config, this.log));
    this.codegen = this.register(new Codegen(this));
    this.brokerTree = this.register(new BrokerTreeProvider(this.broker, this.log));
    const brokerView = this.register(vscode.window.createTreeView<BrokerNode>('eventscope.broker', { treeDataProvider: this.brokerTree }));
    this.brokerTree.setVisible(brokerView.visible);
    this.register(brokerView.onDidChangeVisibility((event) => this.brokerTree.setVisible(event.visible)));
    this.scenarios = this.register(new ScenarioService(this));
    this.register(vscode.window.registerWebviewPanelSerializer(TRACE_VIEW_TYPE, new TracePanelSerializer(this)));
    this.register(vscode.window.registerWebviewPanelSerializer(FLOW_VIEW_TYPE, new FlowPanelSerializer(this)));
    for (const [id, factory] of Object.entries(COMMANDS)) this.register(vscode.commands.registerCommand(id, factory(this)));
    registerLanguageFeatures(this);
    this.register(vscode.languages.registerCodeLensProvider(SELECTOR, new TestEventLensProvider(this)));
    this.register(vscode.workspace.registerTextDocumentContentProvider(VersionContentProvider.scheme, this.versions));
    this.register(new LiveDiff(this));
    this.log.info(`Eventscope ${String((extension.extension.packageJSON as { version: string }).version)} activated`);
  }

  /** Registration helper for features that live as long as the extension. */
  own<T extends vscode.Disposable>(disposable: T): T {
    return this.register(disposable);
  }
}
