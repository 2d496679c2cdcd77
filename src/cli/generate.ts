import path from 'node:path';
import { parseArgs } from 'node:util';
import { TRANSPORT_KINDS, type TransportKind } from '../core/codegen/adapterSources';
import { DocumentErrorsError, generateFromFile, HandWrittenFilesError } from '../core/codegen/generate';
import { createRefReader } from '../core/model/refReader';
import { InputError } from './diff';
import { UsageError } from './usage';

export const GENERATE_USAGE = `  generate <doc> --out <dir>   Generate a typed TypeScript client (and its mirror) from a document
    --transport ${TRANSPORT_KINDS.join('|')}   adapter (default: from the first server's protocol)
    --remote-refs                   fetch http(s) $refs (off by default)`;

/**
 * `eventscope generate`: 0 written, 1 the document has errors, 2 usage (thrown as UsageError) or an output
 * folder whose files of the generated names are hand-written (thrown as InputError; nothing is written).
 */
export async function generateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      transport: { type: 'string' },
      'remote-refs': { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('generate needs exactly one document');
  if (!values.out) throw new UsageError('generate needs --out <dir>');
  const transport = values.transport as TransportKind | undefined;
  if (transport !== undefined && !TRANSPORT_KINDS.includes(transport)) {
    throw new UsageError(`--transport must be one of ${TRANSPORT_KINDS.join(', ')}, not "${transport}"`);
  }
  const file = path.resolve(positionals[0]!);
  const outDir = path.resolve(values.out);
  try {
    const result = await generateFromFile(file, outDir, createRefReader({ remoteRefs: values['remote-refs'] }), { transport });
    process.stdout.write(
      `eventscope: ${result.transport} client in ${path.relative(process.cwd(), outDir) || '.'}: ${result.written.length} written, ${result.unchanged.length} unchanged${result.deleted.length > 0 ? `, ${result.deleted.length} stale deleted` : ''}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof DocumentErrorsError) {
      process.stderr.write(`eventscope: ${error.message}\n`);
      return 1;
    }
    if (error instanceof HandWrittenFilesError) throw new InputError(`${error.message}; choose another --out or move them`);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`cannot read ${file}`);
    throw error;
  }
}
