/**
 * Pan and zoom of the map by one transform on one group: the nodes are drawn once and never touched
 * while the view moves, so 1,000 channels pan as smoothly as ten.
 */
export interface Viewport {
  x: number;
  y: number;
  scale: number;
}

const MIN_SCALE = 0.05;
const MAX_SCALE = 4;

export class PanZoom {
  private current: Viewport = { x: 0, y: 0, scale: 1 };
  private frame = 0;

  constructor(
    private readonly surface: SVGSVGElement,
    private readonly group: SVGGElement,
    private readonly onChange: (viewport: Viewport) => void,
  ) {
    let drag: { x: number; y: number; start: Viewport } | undefined;
    surface.addEventListener('pointerdown', (event) => {
      // Nodes and edges take their own clicks; the background drags.
      if (event.button !== 0 || (event.target as Element).closest('.node, .edge, .traffic')) return;
      drag = { x: event.clientX, y: event.clientY, start: { ...this.current } };
      surface.setPointerCapture(event.pointerId);
      surface.classList.add('panning');
    });
    surface.addEventListener('pointermove', (event) => {
      if (!drag) return;
      this.set({ ...drag.start, x: drag.start.x + event.clientX - drag.x, y: drag.start.y + event.clientY - drag.y });
    });
    const end = (): void => {
      drag = undefined;
      surface.classList.remove('panning');
    };
    surface.addEventListener('pointerup', end);
    surface.addEventListener('pointercancel', end);
    surface.addEventListener(
      'wheel',
      (event) => {
        event.preventDefault();
        const box = surface.getBoundingClientRect();
        this.zoomAt(Math.exp(-event.deltaY / 500), event.clientX - box.left, event.clientY - box.top);
      },
      { passive: false },
    );
  }

  get viewport(): Viewport {
    return { ...this.current };
  }

  set(viewport: Viewport): void {
    this.current = { ...viewport, scale: Math.min(MAX_SCALE, Math.max(MIN_SCALE, viewport.scale)) };
    if (this.frame === 0) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        const { x, y, scale } = this.current;
        this.group.setAttribute('transform', `translate(${x} ${y}) scale(${scale})`);
      });
    }
    this.onChange(this.viewport);
  }

  /** Zooms by `factor` keeping the point under (px, py) in place. */
  zoomAt(factor: number, px: number, py: number): void {
    const { x, y, scale } = this.current;
    const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale * factor));
    const ratio = next / scale;
    this.set({ scale: next, x: px - (px - x) * ratio, y: py - (py - y) * ratio });
  }

  zoomCentered(factor: number): void {
    const box = this.surface.getBoundingClientRect();
    this.zoomAt(factor, box.width / 2, box.height / 2);
  }

  /** Scales a width × height drawing to fit the surface, centred, never above 1:1. */
  fit(width: number, height: number): void {
    const box = this.surface.getBoundingClientRect();
    if (width <= 0 || height <= 0 || box.width <= 0 || box.height <= 0) return;
    const scale = Math.min(1, (box.width - 16) / width, (box.height - 16) / height);
    this.set({ scale, x: (box.width - width * scale) / 2, y: (box.height - height * scale) / 2 });
  }

  /** Centres a drawing point at `scale`. */
  centerOn(cx: number, cy: number, scale: number): void {
    const box = this.surface.getBoundingClientRect();
    this.set({ scale, x: box.width / 2 - cx * scale, y: box.height / 2 - cy * scale });
  }

  /** Pans so that a drawing point is centred, when it is not already in view. */
  reveal(cx: number, cy: number): void {
    const box = this.surface.getBoundingClientRect();
    const { x, y, scale } = this.current;
    const sx = x + cx * scale;
    const sy = y + cy * scale;
    if (sx >= 0 && sy >= 0 && sx <= box.width && sy <= box.height) return;
    this.set({ scale, x: box.width / 2 - cx * scale, y: box.height / 2 - cy * scale });
  }
}
