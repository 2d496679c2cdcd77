import type { ChangeClassView, ChangeView, HostToView, ReportView, ViewToHost } from '../../shared/diffReportProtocol';

interface VsCodeApi {
  postMessage(message: ViewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface ViewState {
  filter: ChangeClassView | 'all';
}

const vscode = acquireVsCodeApi();
const saved = vscode.getState() as Partial<ViewState> | undefined;
let state: ViewState = { filter: saved?.filter ?? 'all' };
let current: ReportView | undefined;
const root = document.getElementById('app') as HTMLElement;

/** Builds an element; text goes in through textContent only, since report data is untrusted. */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function setState(patch: Partial<ViewState>): void {
  state = { ...state, ...patch };
  vscode.setState(state);
  if (current) render(current);
}

function side(change: ChangeView, index: number, which: 'old' | 'new'): HTMLElement | undefined {
  const version = change[which];
  if (!version) return undefined;
  const box = el('div', 'side');
  const head = el('div', 'side-head');
  head.append(el('span', 'side-name', which === 'old' ? 'before' : 'after'));
  const link = el('button', 'link', version.label);
  link.title = `Reveal ${version.pointer}`;
  link.addEventListener('click', () => vscode.postMessage({ type: 'reveal', index, side: which }));
  head.append(link);
  box.append(head, el('pre', 'snippet', version.snippet));
  return box;
}

function render(report: ReportView): void {
  root.replaceChildren();
  const header = el('header');
  header.append(el('h1', undefined, report.title));
  header.append(el('p', 'muted', `${report.oldLabel} → ${report.newLabel} · mode ${report.mode}`));
  const summary = el('p', 'summary');
  summary.append(el('span', 'badge breaking', `${report.summary.breaking} breaking`), el('span', 'badge unclassified', `${report.summary.unclassified} unclassified`), el('span', 'badge non-breaking', `${report.summary.nonBreaking} non-breaking`));
  header.append(summary);
  header.append(el('p', report.version.problem ? `version ${report.version.problem.severity}` : 'version', report.version.line));
  if (report.version.problem) header.append(el('p', `version ${report.version.problem.severity}`, report.version.problem.message));
  const filter = el('select');
  for (const option of ['all', 'breaking', 'unclassified', 'non-breaking'] as const) {
    const item = el('option', undefined, option === 'all' ? 'All changes' : option);
    item.value = option;
    item.selected = state.filter === option;
    filter.append(item);
  }
  filter.addEventListener('change', () => setState({ filter: filter.value as ViewState['filter'] }));
  header.append(filter);
  root.append(header);

  if (report.changes.length === 0) root.append(el('p', 'muted', 'No changes.'));
  const groups = new Map<string, [ChangeView, number][]>();
  report.changes.forEach((change, index) => {
    if (state.filter !== 'all' && change.class !== state.filter) return;
    groups.set(change.group, [...(groups.get(change.group) ?? []), [change, index]]);
  });
  for (const [group, changes] of groups) {
    const section = el('section');
    section.append(el('h2', undefined, group));
    for (const [change, index] of changes) {
      const item = el('article', `change ${change.class}`);
      const title = el('div', 'change-head');
      title.append(el('span', `badge ${change.class}`, change.class), el('code', 'rule', change.rule), el('span', 'message', change.message));
      item.append(title, el('p', 'help', change.help));
      if (change.counterexample) item.append(el('p', 'example', change.counterexample));
      if (change.usages.length > 0) item.append(el('p', 'muted', `Used by: ${change.usages.join('; ')}`));
      const sides = el('div', 'sides');
      for (const which of ['old', 'new'] as const) {
        const box = side(change, index, which);
        if (box) sides.append(box);
      }
      item.append(sides);
      section.append(item);
    }
    root.append(section);
  }

  if (report.impact.length > 0) {
    const section = el('section');
    section.append(el('h2', undefined, 'Other applications on the changed channels'));
    for (const channel of report.impact) {
      section.append(el('h3', undefined, channel.address));
      const list = el('ul');
      for (const app of channel.applications) {
        const verdict = app.broken ? 'broken by this change' : app.counterpart ? 'not broken' : 'same side, not affected';
        list.append(el('li', app.broken ? 'broken' : undefined, `${app.label} — ${app.action} ${app.operation}: ${verdict}`));
      }
      section.append(list);
    }
    root.append(section);
  }
}

window.addEventListener('message', (event: MessageEvent<HostToView>) => {
  const message = event.data;
  switch (message.type) {
    case 'report':
      current = message.report;
      render(message.report);
      break;
    case 'error':
      root.replaceChildren(el('p', 'version error', message.message));
      break;
    default: {
      const unexpected: never = message;
      return unexpected;
    }
  }
});

vscode.postMessage({ type: 'ready' });
