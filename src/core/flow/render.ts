/**
 * The system map as text: a Mermaid flowchart, a standalone SVG and a self-contained HTML page.
 * Every name comes from a document and is hostile until escaped.
 */
import type { FlowFinding, FlowGraph } from './graph';
import { edgeLabel, FONT_SIZE, nodeLabel, type FlowLayout } from './layout';

/** Fixed colors that read on light and dark viewers alike; the webview uses the theme's variables instead. */
const COLORS = {
  background: '#ffffff',
  text: '#1f2933',
  applicationFill: '#e8eefc',
  applicationStroke: '#3e5eb8',
  channelFill: '#eef7ee',
  channelStroke: '#3d7d46',
  edge: '#52606d',
  finding: '#c2410c',
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Mermaid IDs allow only word characters; a hash of the stable node ID keeps them stable and distinct. */
function mermaidId(id: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  const prefix = id.startsWith('app:') ? 'app' : 'ch';
  return `${prefix}_${(hash >>> 0).toString(16).padStart(8, '0')}`;
}

/** Mermaid reads `#name;` entities inside quoted labels, so quotes and brackets cannot end the label. */
function mermaidText(text: string): string {
  return text.replace(/[#"<>&|]/g, (char) => `#${char.charCodeAt(0)};`).replace(/[\r\n]+/g, ' ');
}

export function renderMermaid(graph: FlowGraph): string {
  const lines = ['flowchart LR'];
  for (const app of graph.applications) lines.push(`  ${mermaidId(app.id)}["${mermaidText(nodeLabel(app))}"]`);
  for (const channel of graph.channels) lines.push(`  ${mermaidId(channel.id)}(["${mermaidText(nodeLabel(channel))}"])`);
  for (const edge of graph.edges) {
    const label = edgeLabel(edge.messages);
    const arrow = label ? `-->|"${mermaidText(label)}"|` : '-->';
    lines.push(`  ${mermaidId(edge.from)} ${arrow} ${mermaidId(edge.to)}`);
  }
  const flagged = [...new Set(graph.findings.map((finding) => finding.nodeId))].sort();
  if (flagged.length > 0) {
    lines.push(`  classDef finding stroke:${COLORS.finding},stroke-width:2px`);
    lines.push(`  class ${flagged.map(mermaidId).join(',')} finding`);
  }
  return `${lines.join('\n')}\n`;
}

const round = (value: number): string => String(Math.round(value * 10) / 10);

export function renderSvg(graph: FlowGraph, layout: FlowLayout): string {
  const findingsByNode = new Map<string, FlowFinding[]>();
  for (const finding of graph.findings) findingsByNode.set(finding.nodeId, [...(findingsByNode.get(finding.nodeId) ?? []), finding]);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" font-family="sans-serif" font-size="${FONT_SIZE}">`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${COLORS.edge}"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="${COLORS.background}"/>`,
  ];
  for (const edge of layout.edges) {
    const points = edge.points.map((point) => `${round(point.x)},${round(point.y)}`).join(' ');
    out.push(`<g class="edge" data-id="${escapeXml(edge.id)}"><title>${escapeXml(edge.label)}</title>`);
    out.push(`<polyline points="${points}" fill="none" stroke="${COLORS.edge}" stroke-width="1.5" marker-end="url(#arrow)"/>`);
    if (edge.labelBox && edge.label) {
      const box = edge.labelBox;
      out.push(`<text x="${round(box.x + box.width / 2)}" y="${round(box.y + box.height / 2)}" text-anchor="middle" dominant-baseline="central" fill="${COLORS.text}">${escapeXml(edge.label)}</text>`);
    }
    out.push('</g>');
  }
  for (const placed of layout.nodes) {
    const isApplication = placed.node.kind === 'application';
    const findings = findingsByNode.get(placed.node.id) ?? [];
    const stroke = findings.length > 0 ? COLORS.finding : isApplication ? COLORS.applicationStroke : COLORS.channelStroke;
    const title = [placed.label, ...findings.map((finding) => `${finding.severity}: ${finding.message}`)].join('\n');
    out.push(`<g class="${isApplication ? 'application' : 'channel'}" data-id="${escapeXml(placed.node.id)}"><title>${escapeXml(title)}</title>`);
    out.push(
      `<rect x="${round(placed.x)}" y="${round(placed.y)}" width="${round(placed.width)}" height="${round(placed.height)}" rx="${isApplication ? 4 : round(placed.height / 2)}" fill="${isApplication ? COLORS.applicationFill : COLORS.channelFill}" stroke="${stroke}" stroke-width="${findings.length > 0 ? 2.5 : 1.5}"${findings.length > 0 ? ' stroke-dasharray="6 3"' : ''}/>`,
    );
    out.push(`<text x="${round(placed.x + placed.width / 2)}" y="${round(placed.y + placed.height / 2)}" text-anchor="middle" dominant-baseline="central" fill="${COLORS.text}"${isApplication ? ' font-weight="bold"' : ''}>${escapeXml(placed.label)}</text>`);
    out.push('</g>');
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** One file to open anywhere: the SVG inline, the findings as a list, nothing fetched. */
export function renderHtml(graph: FlowGraph, layout: FlowLayout, title = 'Event flow'): string {
  const findings = graph.findings.map((finding) => `<li><code>${escapeXml(finding.code)}</code> ${escapeXml(finding.message)}</li>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeXml(title)}</title>
<style>body{margin:16px;font-family:sans-serif;color:${COLORS.text};background:${COLORS.background}}.map{overflow:auto;border:1px solid #d0d7de}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
<div class="map">
${renderSvg(graph, layout)}</div>
${findings.length > 0 ? `<h2>Design findings</h2>\n<ul>\n${findings.join('\n')}\n</ul>\n` : ''}</body>
</html>
`;
}
