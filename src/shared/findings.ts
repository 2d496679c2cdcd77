/** Plain result types shared by the core, the extension and the CLI. Positions are 0-based. */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A quick-fix hint a finding carries, so the editor can offer the fix without re-running rules. */
export type FixHint =
  | { kind: 'replaceRef'; candidates: string[] }
  | { kind: 'addField'; key: string; value: string }
  | { kind: 'declareParameter'; name: string };

export interface Finding {
  /** Absolute path (or untitled URI string) of the file the range points into. */
  file: string;
  range: Range;
  severity: Severity;
  code: string;
  message: string;
  /** JSON pointer segments inside `file`. */
  path: string[];
  fix?: FixHint;
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };
