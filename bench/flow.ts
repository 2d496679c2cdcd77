/**
 * A generated system (default 200 applications, 1,000 channels, 2,000 edges): each application sends
 * to its own five channels and receives from five channels of applications further down the line.
 * Times building the map, the ELK layout and the SVG, against loading the same documents (text to
 * model) as the reference measured in the same run. Medians over rounds. The webview's rendering and
 * pan/zoom are measured in the browser by the webview slice.
 */
import path from 'node:path';
import { stringify } from 'yaml';
import { loadDocument } from '../src/core/evolve/loader';
import { buildFlowGraph, type FlowDocument } from '../src/core/flow/graph';
import { layoutFlow } from '../src/core/flow/layout';
import { renderSvg } from '../src/core/flow/render';
import { createRefReader } from '../src/core/model/refReader';

const APPLICATIONS = Number(process.env.BENCH_APPLICATIONS ?? 200);
const CHANNELS_PER_APPLICATION = 5;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function documentText(app: number): string {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const total = APPLICATIONS * CHANNELS_PER_APPLICATION;
  for (let k = 0; k < CHANNELS_PER_APPLICATION; k++) {
    const own = app * CHANNELS_PER_APPLICATION + k;
    const consumed = (own + CHANNELS_PER_APPLICATION * (1 + (k % 3))) % total;
    channels[`out${k}`] = { address: `system/topic${own}`, messages: { [`Event${own}`]: { payload: { type: 'string' } } } };
    channels[`in${k}`] = { address: `system/topic${consumed}`, messages: { [`Event${consumed}`]: { payload: { type: 'string' } } } };
    operations[`send${k}`] = { action: 'send', channel: { $ref: `#/channels/out${k}` } };
    operations[`receive${k}`] = { action: 'receive', channel: { $ref: `#/channels/in${k}` } };
  }
  return stringify({ asyncapi: '3.0.0', info: { title: `Service ${app}`, version: '1.0.0' }, channels, operations });
}

async function median(run: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

async function main(): Promise<void> {
  const reader = createRefReader();
  const texts = Array.from({ length: APPLICATIONS }, (_, app) => documentText(app));
  const load = async (): Promise<FlowDocument[]> =>
    Promise.all(texts.map(async (text, app) => {
      const file = path.join('/bench', `service${app}.yaml`);
      const loaded = await loadDocument(text, file, reader);
      return { file, model: loaded.model, resolved: loaded.resolved };
    }));
  const documents = await load();
  const graph = buildFlowGraph(documents);
  const layout = await layoutFlow(graph);
  const loadMs = await median(load);
  const graphMs = await median(() => buildFlowGraph(documents));
  const layoutMs = await median(() => layoutFlow(graph));
  const svgMs = await median(() => renderSvg(graph, layout));
  const line = (name: string, ms: number): string => `${name.padEnd(22)} ${ms.toFixed(1).padStart(9)} ms  ${(ms / loadMs).toFixed(2)}x load`;
  process.stdout.write(
    [
      `flow: ${graph.applications.length} applications, ${graph.channels.length} channels, ${graph.edges.length} edges; median of ${ROUNDS}`,
      line('load (reference)', loadMs),
      line('graph', graphMs),
      line('layout (elkjs)', layoutMs),
      line('svg', svgMs),
      `flow total (graph+layout+svg): ${(graphMs + layoutMs + svgMs).toFixed(0)} ms`,
    ].join('\n') + '\n',
  );
}

void main();
