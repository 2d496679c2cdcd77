import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRefReader } from '../core/model/refReader';
import { GENERATE_USAGE, generateCommand } from './generate';
import { formatJson, formatSarif, formatText, groupByFile, reachesFailLevel, type FailOn } from '../core/validate/report';
import type { Finding } from '../shared/findings';
import { BROKER_USAGE, brokerCommand, traceCommand } from './broker';
import { diffCommand, DIFF_USAGE, InputError } from './diff';
import { flowCommand, FLOW_USAGE } from './flow';
import { UsageError } from './usage';

declare const EVENTSCOPE_VERSION: string | undefined;
/** Set by the bundler; "dev" when run from source. */
const VERSION = typeof EVENTSCOPE_VERSION === "string" ? EVENTSCOPE_VERSION : "dev";

const USAGE = `Usage: eventscope <command> [options]

Commands:
  validate <file...>   Validate AsyncAPI documents
    --format text|json|sarif        output format (default text)
    --fail-on error|warning|never   exit 1 when a finding reaches this level (default error)
    --remote-refs                   fetch http(s) $refs (off by default)
${GENERATE_USAGE}
${BROKER_USAGE}
${DIFF_USAGE}
${FLOW_USAGE}

Exit codes: 0 success (validate: nothing reaches the fail-on level; diff: no breaking change), 1 findings reach
it, a breaking change, the document has errors (generate), a document cannot be read or loaded (flow), 2 usage error
or unreadable file.`;

async function validateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'error' },
      'remote-refs': { type: 'boolean', default: false },
    },
  });
  const format = values.format;
  const failOn = values['fail-on'] as FailOn;
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not "${format}"`);
  if (!['error', 'warning', 'never'].includes(failOn)) throw new UsageError(`--fail-on must be error, warning or never, not "${failOn}"`);
  if (positionals.length === 0) throw new UsageError('validate needs at least one file');

  // The parser loads only for this command, so `trace export` starts fast.
  const [{ findSpectralConfig }, { validateDocument }] = await Promise.all([import('../core/validate/spectralConfig.js'), import('../core/validate/validator.js')]);
  const cwd = process.cwd();
  const reader = createRefReader({ remoteRefs: values['remote-refs'] });
  const files = positionals.map((file) => path.resolve(cwd, file));
  const findings: Finding[] = [];
  const readable: string[] = [];
  let unreadable = false;
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      process.stderr.write(`eventscope: cannot read ${file}: ${(error as Error).message}\n`);
      unreadable = true;
      continue;
    }
    readable.push(file);
    const spectral = await findSpectralConfig(path.dirname(file), cwd);
    const result = await validateDocument(text, file, reader, { spectral: spectral?.config });
    findings.push(...result.findings);
  }
  const reports = groupByFile(readable, findings);
  const output = format === 'json' ? formatJson(reports) : format === 'sarif' ? formatSarif(reports, cwd, VERSION) : formatText(reports, cwd);
  process.stdout.write(`${output}\n`);
  if (unreadable) return 2;
  return reachesFailLevel(reports, failOn) ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'validate':
        return await validateCommand(rest);
      case 'generate':
        return await generateCommand(rest);
      case 'broker':
        return await brokerCommand(rest);
      case 'trace':
        return await traceCommand(rest);
      case 'diff':
        return await diffCommand(rest, VERSION);
      case 'flow':
        return await flowCommand(rest);
      case '--version':
        process.stdout.write(`${VERSION}\n`);
        return 0;
      case undefined:
      case '--help':
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`eventscope: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof InputError) {
      process.stderr.write(`eventscope: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`eventscope: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
  },
);
