import type { TraceDetail } from '../../shared/traceProtocol';
import { el, svg } from './dom';

const LANE = 170;
const STEP = 40;
const HEAD = 36;

export interface DetailActions {
  openError(id: string, index: number): void;
  replay(id: string): void;
  select(id: string): void;
}

/** The selected event: facts, payload, headers, validation errors (linked to the schema), and its chain. */
export class DetailPane {
  readonly element = el('section', 'detail');

  constructor(private readonly actions: DetailActions) {
    this.clear();
  }

  clear(): void {
    this.element.replaceChildren(el('p', 'empty', 'Select an event to see its payload, headers, validation errors and correlation chain.'));
  }

  show(detail: TraceDetail): void {
    const facts = el('dl', 'facts');
    for (const [label, value] of detail.facts) facts.append(el('dt', undefined, label), el('dd', undefined, value));

    const replay = el('button', 'action', 'Replay');
    replay.title = 'Publish this event again to its topic';
    replay.addEventListener('click', () => this.actions.replay(detail.id));

    const errors = el('ul', 'errors');
    detail.errors.forEach((error, index) => {
      const item = el('li');
      if (error.linked) {
        const link = el('button', 'link', error.text);
        link.title = 'Open the schema location in the document';
        link.addEventListener('click', () => this.actions.openError(detail.id, index));
        item.append(link);
      } else item.textContent = error.text;
      errors.append(item);
    });

    const toolbar = el('div', 'toolbar');
    toolbar.append(replay);
    this.element.replaceChildren(
      toolbar,
      facts,
      ...(detail.errors.length > 0 ? [el('h3', undefined, `Validation errors (${detail.errors.length})`), errors] : []),
      el('h3', undefined, 'Payload'),
      el('pre', 'payload', detail.payload),
      el('h3', undefined, 'Headers'),
      el('pre', 'headers', detail.headers),
      el('h3', undefined, detail.chainKey ? `Correlation chain ${detail.chainKey}` : 'Sequence'),
      this.sequence(detail),
    );
  }

  /** The chain as an SVG sequence diagram, drawn here from data: lifelines, then one arrow per delivery. */
  private sequence(detail: TraceDetail): SVGSVGElement {
    const { participants, arrows } = detail.sequence;
    const width = Math.max(1, participants.length) * LANE;
    const height = HEAD + (arrows.length + 1) * STEP;
    const root = svg('svg', { class: 'sequence', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' });
    const defs = svg('defs');
    const marker = svg('marker', { id: 'arrowhead', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }));
    defs.append(marker);
    root.append(defs);
    const center = (index: number): number => index * LANE + LANE / 2;
    participants.forEach((name, index) => {
      const x = center(index);
      root.append(svg('rect', { x: x - LANE / 2 + 6, y: 4, width: LANE - 12, height: 24, rx: 3, class: 'participant' }));
      const label = svg('text', { x, y: 20, 'text-anchor': 'middle', class: 'participant-label' }, truncate(name, 22));
      label.append(svg('title', {}, name));
      root.append(label, svg('line', { x1: x, y1: 28, x2: x, y2: height - 4, class: 'lifeline' }));
    });
    arrows.forEach((arrow, index) => {
      const y = HEAD + (index + 1) * STEP - 10;
      const x1 = center(arrow.from);
      const x2 = arrow.from === arrow.to ? x1 + 30 : center(arrow.to);
      const group = svg('g', { class: `arrow${arrow.valid ? '' : ' invalid'}${arrow.undelivered ? ' undelivered' : ''}${arrow.recordId === detail.id ? ' current' : ''}`, tabindex: 0 });
      group.append(svg('line', { x1, y1: y, x2, y2: y, 'marker-end': 'url(#arrowhead)' }));
      const timing = arrow.sincePrevious === undefined ? '' : ` +${arrow.sincePrevious} ms`;
      group.append(svg('text', { x: (x1 + x2) / 2, y: y - 6, 'text-anchor': 'middle' }, `${truncate(arrow.label, 28)}${timing}`));
      group.append(svg('title', {}, `${arrow.label}${timing}${arrow.valid ? '' : ' (invalid)'}${arrow.undelivered ? ' — not delivered to any consumer' : ''}`));
      group.addEventListener('click', () => this.actions.select(arrow.recordId));
      root.append(group);
    });
    return root;
  }
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
