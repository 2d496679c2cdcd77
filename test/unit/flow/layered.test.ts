import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layered, type LayeredEdgeInput, type LayeredNodeInput } from '../../../src/core/flow/layered';

const SPACING = { node: 24, edge: 8, layer: 24, padding: 16 };
type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** A ring of `count` applications, each sending to its own channel that the next two receive: every edge is on a cycle. */
function ring(count: number): { nodes: LayeredNodeInput[]; edges: LayeredEdgeInput[] } {
  const nodes: LayeredNodeInput[] = [];
  const edges: LayeredEdgeInput[] = [];
  for (let i = 0; i < count; i++) nodes.push({ id: `app${i}`, width: 90, height: 40 }, { id: `ch${i}`, width: 120, height: 40 });
  for (let i = 0; i < count; i++) {
    edges.push({ id: `send${i}`, from: `app${i}`, to: `ch${i}`, label: { width: 50, height: 16 } });
    for (const next of [1, 2]) edges.push({ id: `recv${i}-${next}`, from: `ch${i}`, to: `app${(i + next) % count}`, label: { width: 50, height: 16 } });
  }
  return { nodes, edges };
}

function boxes(result: ReturnType<typeof layered>, nodes: readonly LayeredNodeInput[]): Map<string, Box> {
  return new Map(nodes.map((node) => [node.id, { ...(result.nodes.get(node.id) as { x: number; y: number }), width: node.width, height: node.height }]));
}

describe('layered layout', () => {
  it('places every node inside the drawing, no two overlapping, nor any label over a node', () => {
    const { nodes, edges } = ring(30);
    const result = layered(nodes, edges, SPACING);
    const placed = [...boxes(result, nodes).values()];
    for (const box of placed) {
      assert.ok(box.x >= SPACING.padding && box.y >= SPACING.padding, JSON.stringify(box));
      assert.ok(box.x + box.width <= result.width && box.y + box.height <= result.height, JSON.stringify(box));
    }
    for (let i = 0; i < placed.length; i++) for (let j = i + 1; j < placed.length; j++) assert.ok(!overlaps(placed[i] as Box, placed[j] as Box), `${i} and ${j} overlap`);
    for (const [id, route] of result.edges) {
      const label = route.labelBox;
      assert.ok(label, id);
      for (const box of placed) assert.ok(!overlaps(label, box), `the label of ${id} lies over a node`);
    }
  });

  it('starts each edge at its source and ends it at its target, also on edges reversed to break cycles', () => {
    const { nodes, edges } = ring(10);
    const result = layered(nodes, edges, SPACING);
    const placed = boxes(result, nodes);
    const touches = (point: { x: number; y: number }, box: Box): boolean =>
      (Math.abs(point.x - box.x) < 0.01 || Math.abs(point.x - box.x - box.width) < 0.01) && Math.abs(point.y - (box.y + box.height / 2)) < 0.01;
    let backwards = 0;
    for (const edge of edges) {
      const points = (result.edges.get(edge.id) as { points: { x: number; y: number }[] }).points;
      assert.ok(points.length >= 2, edge.id);
      assert.ok(touches(points[0] as { x: number; y: number }, placed.get(edge.from) as Box), `${edge.id} starts at ${edge.from}`);
      assert.ok(touches(points[points.length - 1] as { x: number; y: number }, placed.get(edge.to) as Box), `${edge.id} ends at ${edge.to}`);
      if ((placed.get(edge.to) as Box).x < (placed.get(edge.from) as Box).x) backwards++;
    }
    // A ring cannot run left to right all the way round, but only the edges that close it turn back.
    assert.ok(backwards > 0 && backwards <= 3, `${backwards} edges run right to left`);
  });

  it('puts producers left of the channels they send to, and those left of their consumers', () => {
    const nodes = ['producer', 'channel', 'consumer'].map((id) => ({ id, width: 80, height: 40 }));
    const result = layered(nodes, [{ id: 'a', from: 'producer', to: 'channel' }, { id: 'b', from: 'channel', to: 'consumer' }], SPACING);
    const x = (id: string): number => (result.nodes.get(id) as { x: number }).x;
    assert.ok(x('producer') < x('channel') && x('channel') < x('consumer'));
  });

  it('is deterministic, and lays out an empty graph and self-loops', () => {
    const { nodes, edges } = ring(12);
    assert.deepEqual(layered(nodes, edges, SPACING), layered(nodes, edges, SPACING));
    const empty = layered([], [], SPACING);
    assert.equal(empty.nodes.size, 0);
    const loop = layered([{ id: 'a', width: 50, height: 40 }], [{ id: 'self', from: 'a', to: 'a' }], SPACING);
    assert.equal(loop.edges.get('self')?.points.length, 4);
  });
});
