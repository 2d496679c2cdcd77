/**
 * Positions for the system map from a layered layout, producers on the left and consumers on the
 * right. Input is sorted by ID and the layout breaks ties by input order, so the same graph always
 * gets the same picture.
 */
import type { FlowGraph, FlowNode } from './graph';
import { layered } from './layered';

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode {
  node: FlowNode;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge {
  id: string;
  from: string;
  to: string;
  label: string;
  points: Point[];
  labelBox?: { x: number; y: number; width: number; height: number };
}

export interface FlowLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/** Text metrics without a DOM: the renderers use this font size and a character width that covers it. */
export const FONT_SIZE = 12;
const CHAR_WIDTH = 7.2;
const LINE_HEIGHT = 16;
const NODE_PADDING = 16;
const NODE_HEIGHT = 40;

export function nodeLabel(node: FlowNode): string {
  return node.kind === 'application' ? node.title : (node.address ?? `${node.name} (address at runtime)`);
}

export function edgeLabel(messages: readonly string[]): string {
  return messages.join(', ');
}

export function textWidth(text: string): number {
  return Math.ceil(text.length * CHAR_WIDTH);
}

/** A promise, so that the layout can move off the calling thread without its callers changing. */
export function layoutFlow(graph: FlowGraph): Promise<FlowLayout> {
  const nodes: FlowNode[] = [...graph.applications, ...graph.channels];
  const labels = new Map(nodes.map((node) => [node.id, nodeLabel(node)]));
  const sizes = new Map(nodes.map((node) => [node.id, { width: textWidth(labels.get(node.id) ?? '') + 2 * NODE_PADDING, height: NODE_HEIGHT }]));
  const edgeLabels = new Map(graph.edges.map((edge) => [edge.id, edgeLabel(edge.messages)]));
  const placed = layered(
    nodes.map((node) => ({ id: node.id, ...(sizes.get(node.id) as { width: number; height: number }) })),
    graph.edges.map((edge) => {
      const text = edgeLabels.get(edge.id) ?? '';
      return { id: edge.id, from: edge.from, to: edge.to, label: text ? { width: textWidth(text), height: LINE_HEIGHT } : undefined };
    }),
    { node: 24, edge: 8, layer: 24, padding: 16 },
  );
  return Promise.resolve({
    width: placed.width,
    height: placed.height,
    nodes: nodes.map((node) => {
      const at = placed.nodes.get(node.id) as { x: number; y: number };
      const size = sizes.get(node.id) as { width: number; height: number };
      return { node, label: labels.get(node.id) ?? node.id, x: at.x, y: at.y, ...size };
    }),
    edges: graph.edges.map((edge) => {
      const route = placed.edges.get(edge.id);
      const label = edgeLabels.get(edge.id) ?? '';
      return { id: edge.id, from: edge.from, to: edge.to, label, points: route?.points ?? [], labelBox: label ? route?.labelBox : undefined };
    }),
  });
}
