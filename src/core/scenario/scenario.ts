import type { Range } from '../../shared/findings';

/**
 * `.events` scenario files: a line-based script of publishes and waits.
 *
 *   # comment
 *   publish shop/orders/ORD-1/placed      one event to this address
 *   correlationId: 6f1c…                 optional headers, `name: value`
 *   { "orderId": "ORD-1" }               the JSON payload (may span lines)
 *   wait 250                             pause, in milliseconds
 */
export type ScenarioStep =
  | { kind: 'publish'; address: string; headers: Record<string, string>; payload: unknown; range: Range; addressRange: Range; payloadRange: Range }
  | { kind: 'wait'; ms: number; range: Range };

export interface ScenarioProblem {
  range: Range;
  message: string;
  code: 'scenario-syntax' | 'scenario-unknown-address' | 'scenario-invalid-payload';
  severity: 'error' | 'warning';
}

export interface Scenario {
  steps: ScenarioStep[];
  problems: ScenarioProblem[];
}

const lineRange = (line: number, start: number, end: number): Range => ({ start: { line, character: start }, end: { line, character: end } });

export function parseScenario(text: string): Scenario {
  const lines = text.split(/\r?\n/);
  const steps: ScenarioStep[] = [];
  const problems: ScenarioProblem[] = [];
  const syntax = (range: Range, message: string): void => void problems.push({ range, message, code: 'scenario-syntax', severity: 'error' });
  let n = 0;
  while (n < lines.length) {
    const line = lines[n] ?? '';
    const trimmed = line.trim();
    const indent = line.length - line.trimStart().length;
    if (trimmed === '' || trimmed.startsWith('#')) {
      n++;
      continue;
    }
    const wait = /^wait(?:\s+(\S+))?\s*$/.exec(trimmed);
    if (wait) {
      const ms = Number(wait[1]);
      if (!Number.isInteger(ms) || ms < 0) syntax(lineRange(n, indent, line.length), 'wait takes a whole number of milliseconds, such as "wait 200"');
      else steps.push({ kind: 'wait', ms, range: lineRange(n, indent, line.length) });
      n++;
      continue;
    }
    const publish = /^publish(?:\s+(\S+))?\s*$/.exec(trimmed);
    if (!publish) {
      syntax(lineRange(n, indent, line.length), 'expected "publish <address>", "wait <ms>" or a # comment');
      n++;
      continue;
    }
    const start = n;
    const address = publish[1];
    const addressStart = line.indexOf(address ?? '', indent + 'publish'.length);
    const addressValid = address !== undefined && !/[+#]/.test(address);
    if (!addressValid) syntax(lineRange(n, indent, line.length), 'publish needs one address, without + or # wildcards');
    n++;
    const headers: Record<string, string> = {};
    while (n < lines.length) {
      const header = /^\s*([A-Za-z0-9_.$-]+)\s*:\s?(.*)$/.exec(lines[n] ?? '');
      const current = (lines[n] ?? '').trim();
      if (!header || current.startsWith('{') || current.startsWith('[') || current.startsWith('#')) break;
      headers[header[1] ?? ''] = (header[2] ?? '').trim();
      n++;
    }
    // The payload runs from here to the first line at which the collected text is complete JSON, and
    // never past a blank line or the next step, so one broken payload does not swallow the rest.
    const payloadStart = n;
    let json = '';
    let payload: unknown;
    let parsed = false;
    while (n < lines.length) {
      const current = lines[n] ?? '';
      if (current.trim() === '' || /^\s*(publish|wait)\b/.test(current)) break;
      json += `${current}\n`;
      n++;
      try {
        payload = JSON.parse(json);
        parsed = true;
        break;
      } catch {
        // Not complete yet: keep reading lines.
      }
    }
    const payloadEnd = Math.max(payloadStart, n - 1);
    const payloadRange = { start: { line: payloadStart, character: 0 }, end: { line: payloadEnd, character: (lines[payloadEnd] ?? '').length } };
    if (!parsed) {
      syntax(json === '' ? lineRange(start, indent, line.length) : payloadRange, json === '' ? 'publish needs a JSON payload on the lines after it' : 'the payload is not valid JSON');
      continue;
    }
    if (!addressValid) continue;
    steps.push({
      kind: 'publish',
      address,
      headers,
      payload,
      range: { start: { line: start, character: indent }, end: payloadRange.end },
      addressRange: lineRange(start, addressStart, addressStart + address.length),
      payloadRange,
    });
  }
  return { steps, problems };
}
