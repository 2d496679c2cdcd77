import * as vscode from 'vscode';
import type { TransportKind } from '../core/codegen/adapterSources';
import { DEFAULT_OUT_DIR } from '../core/codegen/outDir';
import type { RuleSetting } from '../core/validate/ruleCatalog';

const SECTION = 'eventscope';

/** Typed view of the `eventscope.*` settings; keys are declared once, here and in package.json. */
export class Config {
  private get raw(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  /** Remote `$ref`s are fetched only when allowed and the workspace is trusted. */
  get remoteRefs(): boolean {
    return vscode.workspace.isTrusted && this.raw.get<boolean>('remoteRefs', false);
  }

  get debounceMs(): number {
    return Math.max(0, this.raw.get<number>('validation.debounceMs', 250));
  }

  get rules(): Record<string, RuleSetting> {
    return { ...this.raw.get<Record<string, RuleSetting>>('rules', {}) };
  }

  /** Where generated clients go; `${documentName}` and a relative path are resolved per document. */
  get codegenOutDir(): string {
    return this.raw.get<string>('codegen.outDir', DEFAULT_OUT_DIR);
  }

  /** The adapter generated clients use; undefined lets the document's server protocol decide. */
  get codegenTransport(): TransportKind | undefined {
    const transport = this.raw.get<string>('codegen.transport', 'auto');
    return transport === 'auto' ? undefined : (transport as TransportKind);
  }

  /** Whether a configuration change means documents must be validated again. */
  static affectsValidation(event: vscode.ConfigurationChangeEvent): boolean {
    return ['remoteRefs', 'rules'].some((key) => event.affectsConfiguration(`${SECTION}.${key}`));
  }
}
