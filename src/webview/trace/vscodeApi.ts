import type { TraceViewState, ViewToHost } from '../../shared/traceProtocol';

export interface VsCodeApi {
  postMessage(message: ViewToHost): void;
  getState(): TraceViewState | undefined;
  setState(state: TraceViewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const vscode: VsCodeApi = acquireVsCodeApi();
