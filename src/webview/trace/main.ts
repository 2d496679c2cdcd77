import './trace.css';
import { isHostToView, NO_FILTERS, type HostToView, type TraceFilters, type TraceViewState } from '../../shared/traceProtocol';
import { DetailPane } from './detail';
import { el } from './dom';
import { TraceTable } from './table';
import { vscode } from './vscodeApi';

const saved = vscode.getState();
let state: TraceViewState = { filters: { ...NO_FILTERS, ...saved?.filters }, selected: saved?.selected };

function save(patch: Partial<TraceViewState>): void {
  state = { ...state, ...patch };
  vscode.setState(state);
}

const count = el('span', 'count');
const status = el('span', 'running');
const notice = el('span', 'notice');
notice.setAttribute('role', 'status');

const detail = new DetailPane({
  openError: (id, index) => vscode.postMessage({ type: 'openError', id, index }),
  replay: (id) => vscode.postMessage({ type: 'replay', id }),
  select: (id) => table.select(id, true),
});

const table = new TraceTable(
  state.filters,
  (id) => {
    save({ selected: id });
    vscode.postMessage({ type: 'select', id });
  },
  (shown, total) => (count.textContent = shown === total ? `${total} events` : `${shown} of ${total} events`),
);

function filterInput(key: Exclude<keyof TraceFilters, 'validity'>, label: string): HTMLElement {
  const input = el('input');
  input.type = 'search';
  input.placeholder = label;
  input.setAttribute('aria-label', `Filter by ${label.toLowerCase()}`);
  input.value = state.filters[key];
  input.dataset.filter = key;
  input.addEventListener('input', () => applyFilters({ [key]: input.value }));
  return input;
}

function validitySelect(): HTMLElement {
  const select = el('select');
  select.setAttribute('aria-label', 'Filter by validity');
  select.dataset.filter = 'validity';
  for (const [value, label] of [['all', 'Valid and invalid'], ['valid', 'Valid only'], ['invalid', 'Invalid only']] as const) {
    const option = el('option', undefined, label);
    option.value = value;
    select.append(option);
  }
  select.value = state.filters.validity;
  select.addEventListener('change', () => applyFilters({ validity: select.value as TraceFilters['validity'] }));
  return select;
}

function applyFilters(patch: Partial<TraceFilters>): void {
  save({ filters: { ...state.filters, ...patch } });
  table.setFilters(state.filters);
}

const filtersBar = el('header', 'filters');
filtersBar.append(
  filterInput('channel', 'Channel'),
  filterInput('message', 'Message'),
  filterInput('client', 'Client'),
  filterInput('correlation', 'Correlation ID'),
  validitySelect(),
  count,
  status,
  notice,
);
const main = el('main');
main.append(table.element, detail.element);
document.getElementById('app')?.append(filtersBar, main);

/** Only known filter keys with values of the right kind: the message is checked by shape, not field by field. */
function pickFilters(given: Partial<TraceFilters>): Partial<TraceFilters> {
  const picked: Partial<TraceFilters> = {};
  for (const key of ['channel', 'message', 'client', 'correlation'] as const) if (typeof given[key] === 'string') picked[key] = given[key];
  if (given.validity === 'all' || given.validity === 'valid' || given.validity === 'invalid') picked.validity = given.validity;
  return picked;
}

function setRunning(running: boolean): void {
  status.textContent = running ? '● live' : 'not live (no broker, no tap)';
  status.classList.toggle('live', running);
}

function handle(message: HostToView): void {
  switch (message.type) {
    case 'reset':
      table.reset(message.rows);
      setRunning(message.running);
      if (state.selected && message.rows.some((row) => row.id === state.selected)) table.select(state.selected, true);
      return;
    case 'append':
      table.append(message.rows);
      return;
    case 'update':
      table.update(message.rows);
      return;
    case 'running':
      setRunning(message.running);
      return;
    case 'detail':
      if (message.detail.id === table.selectedId) detail.show(message.detail);
      return;
    case 'notice':
      notice.textContent = message.text;
      return;
    case 'filter': {
      const filters = { ...NO_FILTERS, ...pickFilters(message.filters) };
      for (const input of filtersBar.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-filter]')) input.value = filters[input.dataset.filter as keyof TraceFilters];
      applyFilters(filters);
      return;
    }
    default: {
      const unexpected: never = message;
      throw new Error(`unhandled message ${JSON.stringify(unexpected)}`);
    }
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostToView(event.data)) handle(event.data);
});
vscode.postMessage({ type: 'ready' });
