import { nodeMatchesSearch, visibleParts, type FlowFilters, type FlowTraffic, type FlowView, type FlowViewEdge, type FlowViewNode } from '../../shared/flowProtocol';
import { el, svg } from '../trace/dom';
import { PanZoom, type Viewport } from './viewport';

export interface MapActions {
  reveal(id: string): void;
  openTrace(edgeId: string): void;
  viewportChanged(viewport: Viewport): void;
  focusChanged(id: string): void;
}

/** Traffic younger than this animates its edge. */
const FRESH_MS = 3000;
const UNDECLARED_GAP = 48;

const center = (node: FlowViewNode): { x: number; y: number } => ({ x: node.x + node.width / 2, y: node.y + node.height / 2 });
const points = (edge: { points: { x: number; y: number }[] }): string => edge.points.map((point) => `${point.x},${point.y}`).join(' ');

/**
 * The system map as SVG DOM, built once per graph. Filters, search, highlight and traffic only toggle
 * classes and set text on elements that exist; pan and zoom only move the viewport group.
 */
export class FlowMap {
  readonly element = el('div', 'map');
  private readonly surface = svg('svg', { class: 'surface', role: 'application', 'aria-label': 'Event flow map' });
  private readonly viewportGroup = svg('g', { class: 'viewport' });
  private readonly edgeLayer = svg('g', { class: 'edges' });
  private readonly nodeLayer = svg('g', { class: 'nodes' });
  private readonly undeclaredLayer = svg('g', { class: 'undeclared' });
  private readonly tooltip = el('div', 'tooltip');
  readonly panZoom: PanZoom;
  private view?: FlowView;
  private nodes = new Map<string, { data: FlowViewNode; element: SVGGElement }>();
  private edges = new Map<string, { data: FlowViewEdge; element: SVGGElement }>();
  private undeclared = new Map<string, SVGGElement>();
  private undeclaredNodes = new Map<string, FlowViewNode>();
  private highlighted?: Element;
  private focusedId?: string;
  private visible: { nodes: Set<string>; edges: Set<string> } = { nodes: new Set(), edges: new Set() };

  constructor(private readonly actions: MapActions) {
    const defs = svg('defs');
    const marker = svg('marker', { id: 'arrow', class: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z' }));
    defs.append(marker);
    this.viewportGroup.append(this.edgeLayer, this.undeclaredLayer, this.nodeLayer);
    this.surface.append(defs, this.viewportGroup);
    this.tooltip.setAttribute('role', 'tooltip');
    this.tooltip.hidden = true;
    this.element.append(this.surface, this.tooltip);
    this.panZoom = new PanZoom(this.surface, this.viewportGroup, (viewport) => actions.viewportChanged(viewport));
    this.surface.addEventListener('keydown', (event) => this.onKey(event));
    this.surface.addEventListener('pointerleave', () => (this.tooltip.hidden = true));
  }

  get graph(): FlowView | undefined {
    return this.view;
  }

  /** The IDs the filters leave, for an export of what is on screen. */
  get visibleNodeIds(): string[] {
    return [...this.visible.nodes];
  }

  render(view: FlowView, filters: FlowFilters, focus?: string): void {
    this.view = view;
    this.nodes = new Map();
    this.edges = new Map();
    const edgeFragment = document.createDocumentFragment();
    for (const edge of view.edges) {
      const element = this.edgeElement(edge);
      this.edges.set(edge.id, { data: edge, element });
      edgeFragment.append(element);
    }
    const nodeFragment = document.createDocumentFragment();
    for (const node of view.nodes) {
      const element = this.nodeElement(node);
      this.nodes.set(node.id, { data: node, element });
      nodeFragment.append(element);
    }
    this.edgeLayer.replaceChildren(edgeFragment);
    this.nodeLayer.replaceChildren(nodeFragment);
    this.undeclaredLayer.replaceChildren();
    this.undeclared = new Map();
    this.undeclaredNodes = new Map();
    this.highlighted = undefined;
    this.setFilters(filters);
    this.focus(focus && this.nodes.has(focus) ? focus : view.nodes[0]?.id, false);
  }

  private nodeElement(node: FlowViewNode): SVGGElement {
    const classes = ['node', node.kind, ...(node.findings.length > 0 ? ['finding'] : []), ...(node.deadLetter ? ['dead-letter'] : [])];
    const group = svg('g', { class: classes.join(' '), 'data-id': node.id, tabindex: -1, role: 'button' });
    group.setAttribute('aria-label', `${node.kind === 'application' ? 'Application' : 'Channel'} ${node.label}${node.findings.map((finding) => `; ${finding.severity}: ${finding.message}`).join('')}`);
    const rx = node.kind === 'application' ? 4 : node.height / 2;
    group.append(
      svg('rect', { x: node.x, y: node.y, width: node.width, height: node.height, rx }),
      svg('text', { x: node.x + node.width / 2, y: node.y + node.height / 2, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, node.label),
    );
    if (node.findings.length > 0) {
      const badge = svg('g', { class: 'finding-badge' });
      badge.append(svg('circle', { cx: node.x + node.width, cy: node.y, r: 8 }), svg('text', { x: node.x + node.width, y: node.y, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, '!'));
      group.append(badge);
    }
    group.addEventListener('click', () => {
      this.focus(node.id, false);
      this.actions.reveal(node.id);
    });
    group.addEventListener('pointermove', (event) => this.showTooltip(event, [...node.brief, ...node.findings.map((finding) => `${finding.severity}: ${finding.message}`)]));
    return group;
  }

  private edgeElement(edge: FlowViewEdge): SVGGElement {
    const group = svg('g', { class: 'edge', 'data-id': edge.id, 'data-from': edge.from, 'data-to': edge.to });
    // A wide transparent line under the visible one, so a thin edge is easy to click and hover.
    group.append(svg('polyline', { class: 'hit', points: points(edge) }), svg('polyline', { class: 'line', points: points(edge), 'marker-end': 'url(#arrow)' }));
    if (edge.labelBox && edge.label) {
      const box = edge.labelBox;
      group.append(svg('text', { class: 'label', x: box.x + box.width / 2, y: box.y + box.height / 2, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, edge.label));
    }
    group.addEventListener('click', () => this.actions.reveal(edge.id));
    group.addEventListener('pointermove', (event) => this.showTooltip(event, edge.brief.length > 0 ? edge.brief : [edge.label]));
    return group;
  }

  private showTooltip(event: PointerEvent, lines: string[]): void {
    this.tooltip.replaceChildren(...lines.map((line) => el('div', undefined, line)));
    this.tooltip.hidden = lines.length === 0;
    const box = this.element.getBoundingClientRect();
    this.tooltip.style.left = `${event.clientX - box.left + 14}px`;
    this.tooltip.style.top = `${event.clientY - box.top + 14}px`;
  }

  setFilters(filters: FlowFilters): void {
    if (!this.view) return;
    this.visible = visibleParts(this.view, filters);
    let matches = 0;
    for (const [id, { data, element }] of this.nodes) {
      element.classList.toggle('hidden', !this.visible.nodes.has(id));
      const match = nodeMatchesSearch(data, filters.search);
      element.classList.toggle('match', match);
      if (match) matches++;
    }
    for (const [id, { element }] of this.edges) element.classList.toggle('hidden', !this.visible.edges.has(id));
    this.surface.classList.toggle('searching', filters.search.trim() !== '');
    this.element.dataset.matches = String(matches);
  }

  /** The first node the search matches, for Enter in the search box. */
  firstMatch(): string | undefined {
    for (const [id, { element }] of this.nodes) if (element.classList.contains('match') && !element.classList.contains('hidden')) return id;
    return undefined;
  }

  fit(): void {
    if (!this.view) return;
    const extra = this.undeclared.size > 0 ? UNDECLARED_GAP + 40 : 0;
    this.panZoom.fit(this.view.width, this.view.height + extra);
  }

  /** Marks the node or edge the editor's cursor is in, and brings it into view. */
  highlight(id: string | null): void {
    this.highlighted?.classList.remove('highlighted');
    this.highlighted = undefined;
    if (id === null) return;
    const node = this.nodes.get(id);
    const edge = this.edges.get(id);
    const element = node?.element ?? edge?.element;
    if (!element) return;
    element.classList.add('highlighted');
    this.highlighted = element;
    if (node) {
      const { x, y } = center(node.data);
      this.panZoom.reveal(x, y);
    } else if (edge) {
      const mid = edge.data.points[Math.floor(edge.data.points.length / 2)];
      if (mid) this.panZoom.reveal(mid.x, mid.y);
    }
  }

  /** Roving focus: one node is in the tab order, the arrow keys move to the nearest node that way. */
  focus(id: string | undefined, move = true): void {
    if (id === undefined) return;
    const target = this.nodes.get(id);
    if (!target) return;
    if (this.focusedId !== undefined) this.nodes.get(this.focusedId)?.element.setAttribute('tabindex', '-1');
    this.focusedId = id;
    target.element.setAttribute('tabindex', '0');
    if (move) {
      target.element.focus();
      const { x, y } = center(target.data);
      this.panZoom.reveal(x, y);
    }
    this.actions.focusChanged(id);
  }

  private onKey(event: KeyboardEvent): void {
    const current = this.focusedId === undefined ? undefined : this.nodes.get(this.focusedId)?.data;
    const directions: Record<string, [number, number]> = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
    const direction = directions[event.key];
    if (direction && current) {
      event.preventDefault();
      const next = this.nearest(current, direction);
      if (next) this.focus(next);
    } else if ((event.key === 'Enter' || event.key === ' ') && current) {
      event.preventDefault();
      this.actions.reveal(current.id);
    } else if (event.key === '+' || event.key === '=') this.panZoom.zoomCentered(1.25);
    else if (event.key === '-') this.panZoom.zoomCentered(0.8);
    else if (event.key === '0') this.fit();
    else if (event.key === '1' && current) {
      const { x, y } = center(current);
      this.panZoom.centerOn(x, y, 1);
    }
  }

  /** The visible node closest in the pressed direction, favouring those straight ahead. */
  private nearest(from: FlowViewNode, [dx, dy]: [number, number]): string | undefined {
    const origin = center(from);
    let best: { id: string; score: number } | undefined;
    for (const [id, { data }] of this.nodes) {
      if (id === from.id || !this.visible.nodes.has(id)) continue;
      const point = center(data);
      const ahead = (point.x - origin.x) * dx + (point.y - origin.y) * dy;
      if (ahead <= 0) continue;
      const aside = Math.abs((point.x - origin.x) * dy) + Math.abs((point.y - origin.y) * dx);
      const score = ahead + 2 * aside;
      if (!best || score < best.score) best = { id, score };
    }
    return best?.id;
  }

  /** Rates and counts on edges, error colour where invalid events passed, dead letters on channels, undeclared clients dashed. */
  setTraffic(traffic: FlowTraffic): void {
    if (!this.view) return;
    this.drawUndeclared(traffic);
    for (const stats of traffic.edges) {
      const element = this.edges.get(stats.id)?.element ?? this.undeclared.get(stats.id);
      if (!element) continue;
      element.classList.add('live');
      element.classList.toggle('invalid', stats.invalid > 0);
      element.classList.toggle('active', traffic.now - stats.lastTime < FRESH_MS);
      let label = element.querySelector<SVGTextElement>('text.traffic');
      if (!label) {
        const anchor = this.edgeAnchor(stats.id);
        if (!anchor) continue;
        label = svg('text', { class: 'traffic', x: anchor.x, y: anchor.y, 'text-anchor': 'middle', role: 'button', tabindex: 0 });
        label.setAttribute('aria-label', 'Open the trace of this edge');
        const edgeId = stats.id;
        label.addEventListener('click', (event) => {
          event.stopPropagation();
          this.actions.openTrace(edgeId);
        });
        label.addEventListener('keydown', (event) => {
          if (event.key === 'Enter') this.actions.openTrace(edgeId);
        });
        element.append(label);
      }
      const rate = stats.rate >= 10 ? stats.rate.toFixed(0) : stats.rate.toFixed(1);
      label.textContent = `${stats.count} msg · ${rate}/s${stats.invalid > 0 ? ` · ${stats.invalid} invalid` : ''}`;
      label.dataset.count = String(stats.count);
      label.dataset.invalid = String(stats.invalid);
    }
    const deadLetters = new Map(traffic.deadLetters.map((entry) => [entry.id, entry.count]));
    for (const [id, { data, element }] of this.nodes) {
      const count = deadLetters.get(id);
      let badge = element.querySelector<SVGTextElement>('text.dlq');
      if (count === undefined) {
        badge?.remove();
        continue;
      }
      if (!badge) {
        badge = svg('text', { class: 'dlq', x: data.x + data.width / 2, y: data.y + data.height + 12, 'text-anchor': 'middle' });
        element.append(badge);
      }
      badge.textContent = `DLQ ${count}`;
      badge.dataset.count = String(count);
    }
  }

  private edgeAnchor(id: string): { x: number; y: number } | undefined {
    const edge = this.edges.get(id)?.data;
    if (edge) {
      if (edge.labelBox) return { x: edge.labelBox.x + edge.labelBox.width / 2, y: edge.labelBox.y + edge.labelBox.height + 10 };
      const mid = edge.points[Math.floor(edge.points.length / 2)];
      return mid && { x: mid.x, y: mid.y - 6 };
    }
    const line = this.undeclared.get(id)?.querySelector('polyline')?.getAttribute('points')?.split(' ');
    const [a, b] = [line?.[0], line?.[line.length - 1]].map((point) => point?.split(',').map(Number));
    return a && b ? { x: ((a[0] ?? 0) + (b[0] ?? 0)) / 2, y: ((a[1] ?? 0) + (b[1] ?? 0)) / 2 - 6 } : undefined;
  }

  /** Clients no document describes, in a row under the map, and edges no operation declares: dashed. */
  private drawUndeclared(traffic: FlowTraffic): void {
    const view = this.view;
    if (!view) return;
    const top = view.height + UNDECLARED_GAP;
    for (const app of traffic.undeclared.applications) {
      if (this.undeclaredNodes.has(app.id)) continue;
      const previous = [...this.undeclaredNodes.values()].at(-1);
      const width = Math.max(80, app.label.length * 7.2 + 32);
      const node: FlowViewNode = { id: app.id, kind: 'application', label: app.label, x: previous ? previous.x + previous.width + 24 : 16, y: top, width, height: 40, tags: [], servers: [], applications: [], findings: [], brief: [app.label, 'seen in traffic, described by no document'], deadLetter: false };
      this.undeclaredNodes.set(app.id, node);
      const group = svg('g', { class: 'node application undeclared-node', 'data-id': app.id });
      group.append(svg('rect', { x: node.x, y: node.y, width, height: 40, rx: 4 }), svg('text', { x: node.x + width / 2, y: node.y + 20, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, app.label));
      group.addEventListener('pointermove', (event) => this.showTooltip(event, node.brief));
      this.undeclaredLayer.append(group);
    }
    for (const edge of traffic.undeclared.edges) {
      if (this.undeclared.has(edge.id)) continue;
      const from = this.nodes.get(edge.from)?.data ?? this.undeclaredNodes.get(edge.from);
      const to = this.nodes.get(edge.to)?.data ?? this.undeclaredNodes.get(edge.to);
      if (!from || !to) continue;
      const group = svg('g', { class: 'edge undeclared-edge', 'data-id': edge.id, 'data-from': edge.from, 'data-to': edge.to });
      const line = points({ points: [center(from), center(to)] });
      group.append(svg('polyline', { class: 'hit', points: line }), svg('polyline', { class: 'line', points: line, 'marker-end': 'url(#arrow)' }));
      group.addEventListener('pointermove', (event) => this.showTooltip(event, ['Not declared by any operation']));
      this.undeclared.set(edge.id, group);
      this.undeclaredLayer.prepend(group);
    }
  }
}
