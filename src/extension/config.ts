import * as vscode from 'vscode';
import { isMode, type CompatibilityMode } from '../core/evolve/documentDiff';
import type { TransportKind } from '../core/codegen/adapterSources';
import { DEFAULT_OUT_DIR } from '../core/codegen/outDir';
import type { RuleSetting } from '../core/validate/ruleCatalog';

const SECTION = 'eventscope';

export interface BrokerSettings {
  host: string;
  mqttPort: number;
  wsPort: number;
  httpPort: number;
  onInvalid: 'pass' | 'reject' | 'dlq';
  maxMessageBytes: number;
  traceRingSize: number;
}

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

  get broker(): BrokerSettings {
    const raw = this.raw;
    const port = (key: string, fallback: number): number => Math.min(65_535, Math.max(0, Math.trunc(raw.get<number>(key, fallback))));
    return {
      host: raw.get<string>('broker.host', '127.0.0.1'),
      mqttPort: port('broker.mqttPort', 1883),
      wsPort: port('broker.wsPort', 9001),
      httpPort: port('broker.httpPort', 8088),
      onInvalid: raw.get<BrokerSettings['onInvalid']>('broker.onInvalid', 'pass'),
      maxMessageBytes: Math.max(1, raw.get<number>('broker.maxMessageBytes', 1_048_576)),
      traceRingSize: Math.max(1, raw.get<number>('broker.traceRingSize', 10_000)),
    };
  }

  /** Settings a running broker only picks up on restart. */
  static affectsBroker(event: vscode.ConfigurationChangeEvent): boolean {
    return event.affectsConfiguration(`${SECTION}.broker`);
  }

  /** The compatibility mode for breaking-change checks; a document's `x-eventscope-compatibility` wins. */
  get diffMode(): CompatibilityMode {
    const mode = this.raw.get<string>('diff.mode', 'role');
    return isMode(mode) ? mode : 'role';
  }

  /** Show changes against HEAD as diagnostics while typing. */
  get diffLiveAgainstHead(): boolean {
    return this.raw.get<boolean>('diff.liveAgainstHead', false);
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
