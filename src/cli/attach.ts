import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Logger } from '../core/logger';
import type { TapCredentials, TapStatus } from '../core/tap';
import { TraceStore } from '../core/trace/store';
import { UsageError } from './usage';

export const ATTACH_USAGE = `  trace attach <doc> --server <name>   Tap a real broker the document names: trace (and validate) every message of its channels
    --var name=value                a server variable (repeatable; defaults come from the document)
    --out <file.jsonl>              append the trace to this journal (otherwise one line per event on stdout)
    --from latest|earliest|<offset> Kafka: where the tap's own consumer group starts (default latest)
    --tls                           use TLS even if the protocol does not say so (mqtts, amqps, kafka-secure do)
    --ca|--cert|--key <file.pem>    TLS files; --insecure accepts an unverified server certificate
    credentials from $EVENTSCOPE_TAP_USERNAME, $EVENTSCOPE_TAP_PASSWORD, $EVENTSCOPE_TAP_TOKEN (NATS)`;

export const TAP_ENV = { username: 'EVENTSCOPE_TAP_USERNAME', password: 'EVENTSCOPE_TAP_PASSWORD', token: 'EVENTSCOPE_TAP_TOKEN' } as const;

function stderrLogger(): Logger {
  const write = (level: string, message: string): void => void process.stderr.write(`eventscope trace attach: ${level}: ${message}\n`);
  return {
    trace: () => undefined,
    debug: () => undefined,
    info: (message) => write('info', message),
    warn: (message) => write('warn', message),
    error: (message, error) => write('error', error instanceof Error ? `${message}: ${error.message}` : message),
  };
}

function variables(pairs: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals < 1) throw new UsageError(`--var takes name=value, not "${pair}"`);
    values[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return values;
}

function startOffset(value: string): 'latest' | 'earliest' | bigint {
  if (value === 'latest' || value === 'earliest') return value;
  if (/^\d+$/.test(value)) return BigInt(value);
  throw new UsageError(`--from must be latest, earliest or an offset, not "${value}"`);
}

const statusLine = (status: TapStatus): string =>
  `status ${status.state} messages=${status.messages} invalid=${status.invalid} attempts=${status.attempts} reconnects=${status.reconnects}\n`;

/** Runs until SIGINT or SIGTERM; prints one `ready` line once subscribed, and a `status` line on each change. */
export async function attachCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      server: { type: 'string' },
      var: { type: 'string', multiple: true, default: [] },
      out: { type: 'string' },
      from: { type: 'string', default: 'latest' },
      tls: { type: 'boolean' },
      ca: { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      insecure: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError('trace attach needs one AsyncAPI document');
  if (!values.server) throw new UsageError('trace attach needs --server <name>');
  const vars = variables(values.var);
  const from = startOffset(values.from);
  const log = stderrLogger();
  const readPem = async (file: string | undefined): Promise<string | undefined> => (file === undefined ? undefined : readFile(file, 'utf8'));
  let credentials: TapCredentials;
  try {
    credentials = {
      username: process.env[TAP_ENV.username] || undefined,
      password: process.env[TAP_ENV.password] || undefined,
      token: process.env[TAP_ENV.token] || undefined,
      ca: await readPem(values.ca),
      cert: await readPem(values.cert),
      key: await readPem(values.key),
      rejectUnauthorized: !values.insecure,
    };
  } catch (error) {
    process.stderr.write(`eventscope: cannot read a TLS file: ${(error as Error).message}\n`);
    return 2;
  }
  // The parser and the broker client libraries load only for this command.
  const [{ loadDocuments }, { attachTap, ServerError }] = await Promise.all([import('../core/broker/documents.js'), import('../core/tap/index.js')]);
  const file = path.resolve(positionals[0]);
  const documents = await loadDocuments([file], { logger: log });
  if (documents.length === 0) {
    process.stderr.write(`eventscope: ${file} is not an AsyncAPI 2.x/3.x document\n`);
    return 2;
  }
  const trace = new TraceStore({ journalFile: values.out && path.resolve(values.out), documents: [file] });
  if (!values.out) {
    trace.onRecord((record) => {
      const verdict = record.disposition === 'gap' ? `gap of ${(record.gap?.to ?? 0) - (record.gap?.from ?? 0)} ms` : record.validation.valid ? 'valid' : `invalid: ${record.validation.errors.map((error) => `${error.part}${error.instancePath} ${error.message}`).join('; ')}`;
      process.stdout.write(`${new Date(record.time).toISOString()} ${record.topic} ${record.message ?? '-'} ${verdict}\n`);
    });
  }
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  let attached: Awaited<ReturnType<typeof attachTap>>;
  try {
    attached = await attachTap({ documents, server: values.server, variables: vars, credentials, tls: values.tls, from, trace, logger: log });
  } catch (error) {
    trace.close();
    if (error instanceof ServerError) {
      process.stderr.write(`eventscope: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`eventscope: cannot attach to server "${values.server}": ${(error as Error).message}\n`);
    return 1;
  }
  const { session, tap, endpoint } = attached;
  process.stdout.write(
    `ready server=${endpoint.server} protocol=${endpoint.protocol} host=${endpoint.host}:${endpoint.port ?? ''} subscriptions=${tap.subscriptions().length} skipped=${tap.skipped.length}\n`,
  );
  // Status lines only with a journal: without one, stdout carries the events.
  if (values.out) {
    process.stdout.write(statusLine(session.current));
    session.onStatus((status) => process.stdout.write(statusLine(status)));
  }
  await stopped;
  await session.detach();
  trace.close();
  return 0;
}
