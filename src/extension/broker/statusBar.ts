import * as vscode from 'vscode';
import type { BrokerStats } from './brokerSession';

/** Ports, message rate and invalid count of the running broker; clicking it stops the broker. */
export class BrokerStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('eventscope.broker', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Eventscope Broker';
    this.item.command = 'eventscope.stopBroker';
  }

  show(stats: BrokerStats): void {
    const { ports } = stats;
    this.item.text = `$(radio-tower) mqtt:${ports.mqtt} ${stats.rate.toFixed(0)}/s${stats.invalid > 0 ? ` $(warning) ${stats.invalid}` : ''}`;
    this.item.tooltip = `Eventscope broker: MQTT ${ports.mqtt}, WebSocket ${ports.ws}, HTTP ${ports.http}\n${stats.events} events, ${stats.invalid} invalid\nClick to stop.`;
    this.item.backgroundColor = stats.invalid > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
