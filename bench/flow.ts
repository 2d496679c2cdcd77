/**
 * A generated system (default 200 applications, 1,000 channels, 2,000 edges): each application sends
 * to its own five channels and receives from five channels of applications further down the line.
 * Times building the map, the layout and the SVG, then in headless Chromium the SVG put into a page
 * up to its first painted frame and the frames of a pan and zoom, against loading the same documents
 * (text to model) as the reference measured in the same run. Medians over rounds.
 */
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
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
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  let paint: { firstFrameMs: number; panZoomFrameP95Ms: number };
  try {
    paint = await paintInChromium(await browser.newPage({ viewport: { width: 1400, height: 900 } }), renderSvg(graph, layout));
  } finally {
    await browser.close();
  }
  const line = (name: string, ms: number): string => `${name.padEnd(30)} ${ms.toFixed(1).padStart(9)} ms  ${(ms / loadMs).toFixed(2)}x load`;
  const totalMs = graphMs + layoutMs + svgMs + paint.firstFrameMs;
  process.stdout.write(
    [
      `flow: ${graph.applications.length} applications, ${graph.channels.length} channels, ${graph.edges.length} edges; median of ${ROUNDS}`,
      line('load (reference)', loadMs),
      line('graph', graphMs),
      line('layout', layoutMs),
      line('svg', svgMs),
      line('chromium: insert to first frame', paint.firstFrameMs),
      line('chromium: pan/zoom frame p95', paint.panZoomFrameP95Ms),
      `flow total (graph+layout+svg+first frame): ${totalMs.toFixed(0)} ms (target 1000 ms), ${(totalMs / loadMs).toFixed(2)}x load`,
    ].join('\n') + '\n',
  );
}

/**
 * The page's own clock: markup parsed into the DOM and two animation frames (the first painted), then
 * 60 frames of pan and zoom as the webview does them, a CSS transform that the compositor moves. The
 * page scripts are strings: this file is type-checked without the DOM library.
 */
const INSERT_TO_FIRST_FRAME = `async (markup) => {
  const map = document.getElementById('map');
  map.textContent = '';
  const start = performance.now();
  map.innerHTML = markup;
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  return performance.now() - start;
}`;
const PAN_AND_ZOOM_FRAMES = `async () => {
  const root = document.querySelector('#map svg');
  root.style.transformOrigin = '0 0';
  root.style.willChange = 'transform';
  const times = [];
  let last = await new Promise((resolve) => requestAnimationFrame(resolve));
  for (let frame = 1; frame <= 60; frame++) {
    root.style.transform = 'translate(' + -frame * 40 + 'px, ' + -frame * 5 + 'px) scale(' + (1 + frame / 60) + ')';
    const now = await new Promise((resolve) => requestAnimationFrame(resolve));
    times.push(now - last);
    last = now;
  }
  return times;
}`;

async function paintInChromium(page: Page, svg: string): Promise<{ firstFrameMs: number; panZoomFrameP95Ms: number }> {
  await page.setContent('<!doctype html><html><body style="margin:0;overflow:hidden"><div id="map"></div></body></html>');
  const firstFrames: number[] = [];
  for (let round = 0; round < ROUNDS; round++) firstFrames.push(await page.evaluate<number>(`(${INSERT_TO_FIRST_FRAME})(${JSON.stringify(svg)})`));
  const frames = await page.evaluate<number[]>(`(${PAN_AND_ZOOM_FRAMES})()`);
  frames.sort((a, b) => a - b);
  return {
    firstFrameMs: firstFrames.sort((a, b) => a - b)[Math.floor(firstFrames.length / 2)] as number,
    panZoomFrameP95Ms: frames[Math.floor(frames.length * 0.95)] as number,
  };
}

void main();
