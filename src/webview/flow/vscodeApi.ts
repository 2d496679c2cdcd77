import type { FlowViewState, FlowViewToHost } from '../../shared/flowProtocol';

export interface VsCodeApi {
  postMessage(message: FlowViewToHost): void;
  getState(): FlowViewState | undefined;
  setState(state: FlowViewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const vscode: VsCodeApi = acquireVsCodeApi();
