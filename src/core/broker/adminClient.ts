import type { ScenarioProblem } from '../scenario/scenario';
import type { TestEvent } from './testEvent';
import type { BrokerStatsInfo, DeadLetterInfo, PublishSummary, ReplayRequest, ReplayResult } from './adminTypes';

/** Calls a broker process's admin API; every method throws with the server's error message on failure. */
export class BrokerAdminClient {
  constructor(
    private readonly port: number,
    private readonly token: string,
  ) {}

  stats(): Promise<BrokerStatsInfo> {
    return this.call('GET', '/admin/stats');
  }

  deadLetters(): Promise<DeadLetterInfo[]> {
    return this.call('GET', '/admin/dlq');
  }

  redrive(id: string): Promise<PublishSummary> {
    return this.call('POST', `/admin/dlq/${encodeURIComponent(id)}/redrive`);
  }

  deleteDeadLetter(id: string): Promise<{ deleted: string }> {
    return this.call('DELETE', `/admin/dlq/${encodeURIComponent(id)}`);
  }

  /** An event for a message (its example, or a sample of its schema), to publish as a test. */
  testEvent(message: string, channel?: string): Promise<TestEvent> {
    const query = new URLSearchParams({ message, ...(channel === undefined ? {} : { channel }) });
    return this.call('GET', `/admin/test-event?${query.toString()}`);
  }

  /** Checks a scenario's publishes against the broker's documents. */
  checkScenario(text: string): Promise<ScenarioProblem[]> {
    return this.call('POST', '/admin/check-scenario', { text });
  }

  replay(request: ReplayRequest): Promise<ReplayResult> {
    return this.call('POST', '/admin/replay', request);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new Error(`broker admin ${method} ${path}: ${response.status} ${json.error ?? ''}`.trim());
    return json;
  }
}
