import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { InvalidPolicy } from '../core/broker';
import { ADMIN_TOKEN_ENV } from '../core/broker/adminTypes';
import type { Logger } from '../core/logger';
import { chainOf, timeline } from '../core/trace/chain';
import { toMermaid, toOtlp } from '../core/trace/export';
import { parseJournal } from '../core/trace/journal';
import { TraceStore } from '../core/trace/store';
import { ATTACH_USAGE, attachCommand } from './attach';
import { UsageError } from './usage';


export const BROKER_USAGE = `  broker <doc...>      Run a local MQTT/HTTP broker that validates and traces events against the documents
    --mqtt-port N                   MQTT over TCP (default 1883; 0 picks a free port)
    --ws-port N                     MQTT over WebSocket (default 9001)
    --http-port N                   HTTP POST /publish/<address> (default 8088)
    --host H                        interface to bind (default 127.0.0.1)
    --on-invalid pass|reject|dlq    invalid or unknown messages: deliver, drop, or send to $dlq/<address> (default pass)
    --trace <file.jsonl>            append every event to this journal
    --username U --password P       require these credentials
    --max-message-bytes N           refuse larger messages (default 1048576)
    --max-deliveries N              QoS 1 deliveries before a message is dead-lettered (default 5)
    --admin-port N                  admin API for the extension on 127.0.0.1 (0 picks a free port; token from $EVENTSCOPE_ADMIN_TOKEN)
    --verbose                       log each connection and rejection to stderr
  trace export <file.jsonl>   Export a trace journal
    --format otlp|mermaid           OTLP JSON spans, or a Mermaid sequence diagram
    --correlation <id>              only the chain of this correlation, trace or record ID
${ATTACH_USAGE}`;

const POLICIES: readonly InvalidPolicy[] = ['pass', 'reject', 'dlq'];

function port(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65_535) throw new UsageError(`${flag} must be a port number (0 picks a free one), not "${value}"`);
  return number;
}

function positive(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`${flag} must be a positive integer, not "${value}"`);
  return number;
}

function stderrLogger(verbose: boolean): Logger {
  const write = (level: string, message: string): void => void process.stderr.write(`eventscope broker: ${level}: ${message}\n`);
  return {
    trace: () => undefined,
    debug: (message) => verbose && write('debug', message),
    info: (message) => verbose && write('info', message),
    warn: (message) => write('warn', message),
    error: (message, error) => write('error', error instanceof Error ? `${message}: ${error.stack ?? error.message}` : message),
  };
}

/** Runs until SIGINT or SIGTERM; prints one `ready` line on stdout once every listener is up. */
export async function brokerCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'mqtt-port': { type: 'string' },
      'ws-port': { type: 'string' },
      'http-port': { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'on-invalid': { type: 'string', default: 'pass' },
      trace: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      'max-message-bytes': { type: 'string' },
      'max-deliveries': { type: 'string' },
      'admin-port': { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const policy = values['on-invalid'] as InvalidPolicy;
  if (!POLICIES.includes(policy)) throw new UsageError(`--on-invalid must be pass, reject or dlq, not "${policy}"`);
  if (positionals.length === 0) throw new UsageError('broker needs at least one AsyncAPI document');
  const log = stderrLogger(values.verbose);
  const adminToken = process.env[ADMIN_TOKEN_ENV];
  if (values['admin-port'] !== undefined && (adminToken === undefined || adminToken.length < 16)) {
    throw new UsageError(`--admin-port needs a token of at least 16 characters in $${ADMIN_TOKEN_ENV}`);
  }
  // The parser and aedes load only for this command, so `trace export` starts fast.
  const { createAedesBroker, loadDocuments } = await import('../core/broker/index.js');
  const { startAdminServer } = await import('../core/broker/admin.js');
  const files = positionals.map((file) => path.resolve(file));
  const documents = await loadDocuments(files, { logger: log });
  if (documents.length === 0) {
    process.stderr.write('eventscope: none of the files is an AsyncAPI 2.x/3.x document\n');
    return 2;
  }
  const trace = new TraceStore({ journalFile: values.trace && path.resolve(values.trace), documents: documents.map((document) => document.file) });
  const broker = createAedesBroker({
    host: values.host,
    mqttPort: port(values['mqtt-port'], '--mqtt-port', 1883),
    wsPort: port(values['ws-port'], '--ws-port', 9001),
    httpPort: port(values['http-port'], '--http-port', 8088),
    username: values.username,
    password: values.password,
    onInvalid: policy,
    maxMessageBytes: positive(values['max-message-bytes'], '--max-message-bytes'),
    maxDeliveries: positive(values['max-deliveries'], '--max-deliveries'),
    documents,
    trace,
    logger: log,
  });
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const ports = await broker.start();
  let current = documents;
  const admin =
    values['admin-port'] === undefined || adminToken === undefined
      ? undefined
      : await startAdminServer({ broker, trace, token: adminToken, documents: () => current, port: port(values['admin-port'], '--admin-port', 0), logger: log });
  const watchers = watchDocuments(files, async () => {
    const reloaded = await loadDocuments(files, { logger: log });
    if (reloaded.length === 0) return;
    current = reloaded;
    broker.setDocuments(reloaded);
  }, log);
  process.stdout.write(`ready mqtt=${ports.mqtt} ws=${ports.ws} http=${ports.http}${admin ? ` admin=${admin.port}` : ''}\n`);
  await stopped;
  for (const watcher of watchers) watcher.close();
  await admin?.close();
  await broker.close();
  trace.close();
  return 0;
}

/** Reloads the contract when a document changes on disk; the broker recompiles only schemas that changed. */
function watchDocuments(files: string[], reload: () => Promise<void>, log: Logger): FSWatcher[] {
  let timer: NodeJS.Timeout | undefined;
  const changed = (): void => {
    clearTimeout(timer);
    // Editors save in several steps; one reload after they settle.
    timer = setTimeout(() => {
      reload().catch((error: unknown) => log.error('reloading the documents failed', error));
    }, 300);
  };
  return files.map((file) => watch(file, changed).on('error', (error) => log.warn(`cannot watch ${file}: ${error.message}`)));
}

export async function traceCommand(args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand === 'attach') return attachCommand(rest);
  if (subcommand !== 'export') throw new UsageError(`unknown trace command "${subcommand ?? ''}" ("trace export" or "trace attach")`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { format: { type: 'string', default: 'otlp' }, correlation: { type: 'string' } },
  });
  if (values.format !== 'otlp' && values.format !== 'mermaid') throw new UsageError(`--format must be otlp or mermaid, not "${values.format}"`);
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError('trace export needs one journal file');
  let text: string;
  try {
    text = await readFile(positionals[0], 'utf8');
  } catch (error) {
    process.stderr.write(`eventscope: cannot read ${positionals[0]}: ${(error as Error).message}\n`);
    return 2;
  }
  const { records } = parseJournal(text);
  const steps = values.correlation === undefined ? timeline(records) : chainOf(records, values.correlation);
  if (values.correlation !== undefined && steps.length === 0) {
    process.stderr.write(`eventscope: no event of ${positionals[0]} carries "${values.correlation}"\n`);
    return 1;
  }
  const output = values.format === 'otlp' ? JSON.stringify(toOtlp(steps.map((step) => step.record)), null, 2) : toMermaid(steps);
  process.stdout.write(`${output}\n`);
  return 0;
}
