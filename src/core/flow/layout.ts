/**
 * Positions for the system map from ELK's layered algorithm, producers on the left and consumers on
 * the right. elkjs is the Eclipse Layout Kernel compiled to plain JavaScript: no native code, no DOM,
 * and the same layered (Sugiyama) algorithm the Eclipse diagram tools use. Input is sorted by ID and
 * ELK keeps model order, so the same graph always gets the same picture.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { FlowGraph, FlowNode } from './graph';

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

export async function layoutFlow(graph: FlowGraph): Promise<FlowLayout> {
  const nodes: FlowNode[] = [...graph.applications, ...graph.channels];
  const labels = new Map(nodes.map((node) => [node.id, nodeLabel(node)]));
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.edgeRouting': 'POLYLINE',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.spacing.nodeNode': '24',
      'elk.layered.spacing.nodeNodeBetweenLayers': '48',
      'elk.spacing.edgeLabel': '4',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: nodes.map((node) => ({ id: node.id, width: textWidth(labels.get(node.id) ?? '') + 2 * NODE_PADDING, height: NODE_HEIGHT })),
    edges: graph.edges.map((edge): ElkExtendedEdge => {
      const text = edgeLabel(edge.messages);
      return {
        id: edge.id,
        sources: [edge.from],
        targets: [edge.to],
        labels: text ? [{ id: `${edge.id}#label`, text, width: textWidth(text), height: LINE_HEIGHT }] : [],
      };
    }),
  };
  const laidOut = await new ELK().layout(root);
  const nodesById = new Map(nodes.map((node) => [node.id, node]));
  const edgesById = new Map(graph.edges.map((edge) => [edge.id, edge]));
  return {
    width: Math.ceil(laidOut.width ?? 0),
    height: Math.ceil(laidOut.height ?? 0),
    nodes: (laidOut.children ?? []).map((child) => ({
      node: nodesById.get(child.id) as FlowNode,
      label: labels.get(child.id) ?? child.id,
      x: child.x ?? 0,
      y: child.y ?? 0,
      width: child.width ?? 0,
      height: child.height ?? 0,
    })),
    edges: (laidOut.edges ?? []).map((edge) => {
      const flowEdge = edgesById.get(edge.id);
      const section = edge.sections?.[0];
      const label = edge.labels?.[0];
      return {
        id: edge.id,
        from: flowEdge?.from ?? '',
        to: flowEdge?.to ?? '',
        label: label?.text ?? '',
        points: section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [],
        labelBox: label && { x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 },
      };
    }),
  };
}
