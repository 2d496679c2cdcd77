import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildFlowGraph, type FlowDocument } from '../core/flow/graph';
import { loadDocument } from '../core/evolve/loader';
import { createRefReader } from '../core/model/refReader';
import { InputError } from './diff';
import { UsageError } from './usage';

export const FLOW_USAGE = `  flow <file...>       Draw the system the documents describe: applications, channels, messages
    --format svg|mermaid|html       output format (default: from the -o extension, else svg)
    -o, --output <file>             write there instead of to stdout
    Design findings (lost events, unsent channels, uncorrelated replies, queues without a dead letter) go to stderr.`;

const FORMATS = ['svg', 'mermaid', 'html'] as const;
type FlowFormat = (typeof FORMATS)[number];
const isFormat = (value: string): value is FlowFormat => (FORMATS as readonly string[]).includes(value);

function formatFromFile(file: string | undefined): FlowFormat {
  const extension = file === undefined ? '' : path.extname(file).toLowerCase();
  if (extension === '.html' || extension === '.htm') return 'html';
  if (extension === '.mmd' || extension === '.mermaid' || extension === '.md') return 'mermaid';
  return 'svg';
}

/** Exit 1 when a document cannot be read or is no AsyncAPI document: a map of part of the system would mislead. */
export async function flowCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
  });
  if (values.format !== undefined && !isFormat(values.format)) throw new UsageError(`--format must be svg, mermaid or html, not "${values.format}"`);
  if (positionals.length === 0) throw new UsageError('flow needs at least one file');
  const format = values.format ?? formatFromFile(values.output);

  const cwd = process.cwd();
  const reader = createRefReader();
  const documents: FlowDocument[] = [];
  let failed = false;
  for (const file of positionals.map((name) => path.resolve(cwd, name))) {
    try {
      const loaded = await loadDocument(await reader.readFile(file), file, reader);
      documents.push({ file, model: loaded.model, resolved: loaded.resolved, origins: loaded.origins });
    } catch (error) {
      process.stderr.write(`eventscope: ${path.relative(cwd, file)}: ${(error as Error).message.split('\n')[0] ?? ''}\n`);
      failed = true;
    }
  }
  if (failed) return 1;

  const graph = buildFlowGraph(documents);
  for (const finding of graph.findings) {
    const where = finding.locations[0];
    process.stderr.write(`${where ? `${path.relative(cwd, where.file)}: ` : ''}${finding.severity} ${finding.code} ${finding.message}\n`);
  }
  // The renderers and the layout load only for this command.
  const [{ renderHtml, renderMermaid, renderSvg }, { layoutFlow }] = await Promise.all([import('../core/flow/render.js'), import('../core/flow/layout.js')]);
  let output: string;
  if (format === 'mermaid') output = renderMermaid(graph);
  else {
    const layout = await layoutFlow(graph);
    const title = documents.length === 1 ? `Event flow: ${documents[0]?.model.title ?? ''}` : 'Event flow';
    output = format === 'html' ? renderHtml(graph, layout, title) : renderSvg(graph, layout);
  }
  if (values.output === undefined) process.stdout.write(output);
  else {
    try {
      await writeFile(path.resolve(cwd, values.output), output);
    } catch (error) {
      throw new InputError(`cannot write ${values.output}: ${(error as Error).message}`);
    }
  }
  return 0;
}
