import './flow.css';
import { isFlowHostToView, NO_FLOW_FILTERS, type ExportFormat, type FlowFilters, type FlowHostToView, type FlowView, type FlowViewState } from '../../shared/flowProtocol';
import { el } from '../trace/dom';
import { FlowMap } from './map';
import { vscode } from './vscodeApi';

const saved = vscode.getState();
let state: FlowViewState = { source: saved?.source, filters: { ...NO_FLOW_FILTERS, ...saved?.filters }, viewport: saved?.viewport, focused: saved?.focused };

function save(patch: Partial<FlowViewState>): void {
  state = { ...state, ...patch };
  vscode.setState(state);
}

const map = new FlowMap({
  reveal: (id) => vscode.postMessage({ type: 'reveal', id }),
  openTrace: (edgeId) => vscode.postMessage({ type: 'openTrace', edgeId }),
  viewportChanged: (viewport) => save({ viewport }),
  focusChanged: (focused) => save({ focused }),
});

const title = el('h1', 'title');
const status = el('span', 'running');
const notice = el('span', 'notice');
notice.setAttribute('role', 'status');

const search = el('input');
search.type = 'search';
search.placeholder = 'Search';
search.setAttribute('aria-label', 'Search nodes');
search.dataset.filter = 'search';
search.value = state.filters.search;
search.addEventListener('input', () => applyFilters({ search: search.value }));
search.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter') return;
  const first = map.firstMatch();
  if (first) map.focus(first);
});

function facetSelect(key: Exclude<keyof FlowFilters, 'search'>, label: string): HTMLSelectElement {
  const select = el('select');
  select.setAttribute('aria-label', `Filter by ${label.toLowerCase()}`);
  select.dataset.filter = key;
  select.addEventListener('change', () => applyFilters({ [key]: select.value }));
  return select;
}

const selects = { tag: facetSelect('tag', 'Tag'), server: facetSelect('server', 'Server'), application: facetSelect('application', 'Application') };

/** Options from the graph's facets; a saved value the graph no longer has is kept as an option, so it can be cleared. */
function fillSelects(view: FlowView): void {
  const values: Record<keyof typeof selects, [string, string][]> = {
    tag: view.facets.tags.map((tag) => [tag, tag]),
    server: view.facets.servers.map((server) => [server, server]),
    application: view.facets.applications.map((app) => [app.id, app.label]),
  };
  const all: Record<keyof typeof selects, string> = { tag: 'All tags', server: 'All servers', application: 'All applications' };
  for (const key of Object.keys(selects) as (keyof typeof selects)[]) {
    const select = selects[key];
    const options = [['', all[key]], ...values[key]];
    if (state.filters[key] !== '' && !values[key].some(([value]) => value === state.filters[key])) options.push([state.filters[key], state.filters[key]]);
    select.replaceChildren(
      ...options.map(([value, text]) => {
        const option = el('option', undefined, text);
        option.value = value ?? '';
        return option;
      }),
    );
    select.value = state.filters[key];
    select.hidden = values[key].length === 0 && state.filters[key] === '';
  }
}

function button(text: string, label: string, action: () => void): HTMLButtonElement {
  const element = el('button', 'tool', text);
  element.title = label;
  element.setAttribute('aria-label', label);
  element.addEventListener('click', action);
  return element;
}

const exportButton = (format: ExportFormat, text: string): HTMLButtonElement =>
  button(text, `Export the visible map as ${text}`, () => vscode.postMessage({ type: 'export', format, visible: map.visibleNodeIds }));

function applyFilters(patch: Partial<FlowFilters>): void {
  save({ filters: { ...state.filters, ...patch } });
  map.setFilters(state.filters);
}

const toolbar = el('header', 'toolbar');
toolbar.append(
  title,
  search,
  selects.tag,
  selects.server,
  selects.application,
  button('Fit', 'Fit the map to the view', () => map.fit()),
  button('+', 'Zoom in', () => map.panZoom.zoomCentered(1.25)),
  button('−', 'Zoom out', () => map.panZoom.zoomCentered(0.8)),
  exportButton('svg', 'SVG'),
  exportButton('png', 'PNG'),
  exportButton('mermaid', 'Mermaid'),
  status,
  notice,
);
document.getElementById('app')?.append(toolbar, map.element);
document.addEventListener('keydown', (event) => {
  if (event.key === '/' && document.activeElement !== search) {
    event.preventDefault();
    search.focus();
  }
});

let rendered = false;

function showGraph(view: FlowView): void {
  save({ source: view.source });
  title.textContent = view.title;
  fillSelects(view);
  map.render(view, state.filters, state.focused);
  // The first picture fits; later ones (an edited document, a reload) keep the user's pan and zoom.
  if (state.viewport) map.panZoom.set(state.viewport);
  else if (!rendered) map.fit();
  rendered = true;
  document.body.dataset.nodes = String(view.nodes.length);
}

/** Draws the host's standalone SVG on a canvas and sends back the PNG. */
async function rasterize(requestId: number, svgText: string, width: number, height: number): Promise<void> {
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  await image.decode();
  const canvas = el('canvas');
  const ratio = Math.min(2, 8192 / Math.max(width, height, 1));
  canvas.width = Math.max(1, Math.round(width * ratio));
  canvas.height = Math.max(1, Math.round(height * ratio));
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no canvas');
  context.scale(ratio, ratio);
  context.drawImage(image, 0, 0, width, height);
  vscode.postMessage({ type: 'rasterized', requestId, dataUrl: canvas.toDataURL('image/png') });
}

function handle(message: FlowHostToView): void {
  switch (message.type) {
    case 'graph':
      showGraph(message.view);
      return;
    case 'traffic':
      status.textContent = message.running ? '● live' : 'broker stopped';
      status.classList.toggle('live', message.running);
      map.setTraffic(message.traffic);
      return;
    case 'highlight':
      map.highlight(message.id);
      return;
    case 'rasterize':
      rasterize(message.requestId, message.svg, message.width, message.height).catch((error: unknown) => (notice.textContent = `PNG export failed: ${String(error)}`));
      return;
    case 'notice':
      notice.textContent = message.text;
      return;
    default: {
      const unexpected: never = message;
      throw new Error(`unhandled message ${JSON.stringify(unexpected)}`);
    }
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isFlowHostToView(event.data)) handle(event.data);
});
vscode.postMessage({ type: 'ready' });
