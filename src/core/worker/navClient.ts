import type { NavQuery, NavRequest, NavResults, NavText } from './navProtocol';
import { WorkerConnection } from './workerConnection';

/** An open buffer as the client sees it; `getText` is called only when the worker lacks this version. */
export interface NavBuffer {
  file: string;
  version: number;
  getText(): string;
}

/** Talks to the navigation worker; starts it on first use and again if it dies. */
export class NavClient {
  private readonly connection: WorkerConnection<NavResults[NavQuery['op']]>;
  private nextId = 1;
  /** The version of each buffer the worker holds, so a large text crosses the thread boundary once per version. */
  private readonly held = new Map<string, number>();

  constructor(workerScript: string) {
    this.connection = new WorkerConnection(workerScript, 'navigation worker', () => this.held.clear());
  }

  /** `buffers`: the queried document first, then the other buffers that differ from disk. */
  query<Q extends NavQuery>(buffers: readonly NavBuffer[], query: Q): Promise<NavResults[Q['op']]> {
    const [target] = buffers;
    if (!target) throw new Error('a navigation query needs its document');
    // A worker about to start holds nothing.
    if (!this.connection.running) this.held.clear();
    const texts: NavText[] = buffers.map((buffer) => {
      if (this.held.get(buffer.file) === buffer.version) return { file: buffer.file, version: buffer.version };
      this.held.set(buffer.file, buffer.version);
      return { file: buffer.file, version: buffer.version, text: buffer.getText() };
    });
    const request: NavRequest = { type: 'query', id: this.nextId++, file: target.file, texts, query };
    return this.connection.request(request) as Promise<NavResults[Q['op']]>;
  }

  /** A closed buffer: the worker drops its text and reads the file from disk again. */
  forget(file: string): void {
    if (this.held.delete(file)) this.connection.notify({ type: 'forget', file } satisfies NavRequest);
  }

  dispose(): Promise<void> {
    return this.connection.dispose();
  }
}
