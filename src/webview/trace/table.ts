import { rowMatches, type TraceFilters, type TraceRow } from '../../shared/traceProtocol';
import { el } from './dom';

export const ROW_HEIGHT = 22;
/** Rows rendered beyond the visible ones, so fast scrolling shows no gaps. */
const OVERSCAN = 8;
/** The webview keeps at most this many rows; the oldest go first. */
const MAX_ROWS = 200_000;

const COLUMNS: { title: string; cell: (row: TraceRow) => string; className: string }[] = [
  { title: 'Time', className: 'time', cell: (row) => formatTime(row.time) },
  { title: 'Channel', className: 'channel', cell: (row) => row.channel ?? row.topic },
  { title: 'Message', className: 'message', cell: (row) => row.message ?? '—' },
  { title: 'Producer', className: 'producer', cell: (row) => row.producer },
  { title: 'Consumers', className: 'consumers', cell: (row) => row.consumers.join(', ') },
  { title: 'Correlation', className: 'correlation', cell: (row) => row.correlation ?? '' },
  { title: 'Status', className: 'status', cell: (row) => `${row.valid ? 'valid' : 'invalid'} · ${row.disposition}${row.duplicate ? ' · duplicate' : ''}` },
];

function formatTime(time: number): string {
  const date = new Date(time);
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/**
 * The trace table, virtualized: a spacer as tall as every matching row, and a small pool of row elements
 * moved and refilled as the viewport scrolls, so 100,000 events cost as much DOM as a screenful.
 */
export class TraceTable {
  readonly element = el('section', 'table');
  private readonly viewport = el('div', 'viewport');
  private readonly spacer = el('div', 'spacer');
  private readonly body = el('div', 'rows');
  private readonly pool: HTMLElement[] = [];
  private rows: TraceRow[] = [];
  private indexById = new Map<string, number>();
  /** Indices into `rows` of the rows that pass the filters. */
  private visible: number[] = [];
  private filters: TraceFilters;
  private selected?: string;
  private frame = 0;

  constructor(
    filters: TraceFilters,
    private readonly onSelect: (id: string) => void,
    private readonly onCount: (shown: number, total: number) => void,
  ) {
    this.filters = filters;
    const head = el('div', 'thead');
    head.setAttribute('role', 'row');
    for (const column of COLUMNS) head.append(el('div', `cell ${column.className}`, column.title));
    this.viewport.tabIndex = 0;
    this.viewport.setAttribute('role', 'grid');
    this.viewport.append(this.spacer, this.body);
    this.element.append(head, this.viewport);
    this.viewport.addEventListener('scroll', () => this.schedule());
    this.viewport.addEventListener('keydown', (event) => this.onKey(event));
    this.body.addEventListener('click', (event) => {
      const row = (event.target as HTMLElement).closest<HTMLElement>('.row');
      if (row?.dataset.id) this.select(row.dataset.id);
    });
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
  }

  get selectedId(): string | undefined {
    return this.selected;
  }

  reset(rows: TraceRow[]): void {
    this.rows = rows.slice(-MAX_ROWS);
    this.reindex();
    this.refilter();
  }

  append(rows: TraceRow[]): void {
    const follow = this.atBottom();
    if (this.rows.length + rows.length > MAX_ROWS) {
      this.reset([...this.rows, ...rows]);
    } else {
      for (const row of rows) {
        const index = this.rows.push(row) - 1;
        this.indexById.set(row.id, index);
        if (rowMatches(row, this.filters)) this.visible.push(index);
      }
      this.resize();
    }
    if (follow) this.viewport.scrollTop = this.viewport.scrollHeight;
    this.schedule();
  }

  update(rows: TraceRow[]): void {
    for (const row of rows) {
      const index = this.indexById.get(row.id);
      if (index !== undefined) this.rows[index] = row;
    }
    this.schedule();
  }

  setFilters(filters: TraceFilters): void {
    this.filters = filters;
    this.refilter();
  }

  select(id: string, reveal = false): void {
    this.selected = id;
    this.onSelect(id);
    if (reveal) {
      const position = this.visible.findIndex((index) => this.rows[index]?.id === id);
      if (position >= 0) this.scrollIntoView(position);
    }
    this.schedule();
  }

  private reindex(): void {
    this.indexById = new Map(this.rows.map((row, index) => [row.id, index]));
  }

  private refilter(): void {
    this.visible = [];
    for (let index = 0; index < this.rows.length; index++) {
      const row = this.rows[index];
      if (row && rowMatches(row, this.filters)) this.visible.push(index);
    }
    this.resize();
    this.schedule();
  }

  private resize(): void {
    const height = this.visible.length * ROW_HEIGHT;
    this.spacer.style.height = `${height}px`;
    // The rows' own offset keeps the old scroll range alive after a filter shrinks the list; drop it.
    if (this.viewport.scrollTop > height) {
      this.body.style.transform = 'translateY(0)';
      this.viewport.scrollTop = Math.max(0, height - this.viewport.clientHeight);
    }
    this.onCount(this.visible.length, this.rows.length);
  }

  private atBottom(): boolean {
    return this.viewport.scrollTop + this.viewport.clientHeight >= this.viewport.scrollHeight - ROW_HEIGHT;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const count = Math.min(this.visible.length - first, Math.ceil(this.viewport.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN);
    while (this.pool.length < count) {
      const row = el('div', 'row');
      row.setAttribute('role', 'row');
      for (const column of COLUMNS) row.append(el('div', `cell ${column.className}`));
      this.pool.push(row);
      this.body.append(row);
    }
    this.body.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    this.pool.forEach((element, slot) => {
      const row = slot < count ? this.rows[this.visible[first + slot] ?? -1] : undefined;
      element.hidden = !row;
      if (!row) return;
      element.dataset.id = row.id;
      element.classList.toggle('invalid', !row.valid);
      element.classList.toggle('selected', row.id === this.selected);
      element.setAttribute('aria-selected', String(row.id === this.selected));
      COLUMNS.forEach((column, n) => {
        const cell = element.children[n];
        const text = column.cell(row);
        if (cell && cell.textContent !== text) cell.textContent = text;
      });
    });
  }

  private scrollIntoView(position: number): void {
    const top = position * ROW_HEIGHT;
    if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
    else if (top + ROW_HEIGHT > this.viewport.scrollTop + this.viewport.clientHeight) this.viewport.scrollTop = top + ROW_HEIGHT - this.viewport.clientHeight;
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const current = this.visible.findIndex((index) => this.rows[index]?.id === this.selected);
    const next = Math.min(this.visible.length - 1, Math.max(0, current + (event.key === 'ArrowDown' ? 1 : -1)));
    const row = this.rows[this.visible[next] ?? -1];
    if (row) this.select(row.id, true);
  }
}
