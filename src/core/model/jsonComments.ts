import { createScanner } from 'jsonc-parser';

// jsonc-parser's SyntaxKind is a const enum, which isolated modules cannot read: its values, as published.
const LINE_COMMENT = 12;
const BLOCK_COMMENT = 13;
const EOF = 17;

/**
 * JSON with comments (VS Code's `jsonc`, settings-style `//` and block comments) read as plain JSON:
 * each comment's characters become spaces, line breaks kept, so every offset, line and column
 * of the text stays where it was for diagnostics and navigation. Other text is returned as is.
 */
export function blankJsonComments(text: string): string {
  if (!text.includes('/')) return text;
  const scanner = createScanner(text, false);
  let result = '';
  let copied = 0;
  for (let kind: number = scanner.scan(); kind !== EOF; kind = scanner.scan()) {
    if (kind !== LINE_COMMENT && kind !== BLOCK_COMMENT) continue;
    const start = scanner.getTokenOffset();
    const end = start + scanner.getTokenLength();
    result += text.slice(copied, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ');
    copied = end;
  }
  return copied === 0 ? text : result + text.slice(copied);
}

/**
 * Whether `file` is JSON that may hold comments: by its extension, or (an unsaved buffer) because it
 * starts with one. YAML is left alone: a `//` in a single-quoted YAML string is no comment.
 */
export function mayHaveJsonComments(file: string, text: string): boolean {
  return /\.jsonc?$/i.test(file) || /^\s*\/[/*]/.test(text);
}

/** `text` with its comments blanked where `file` is JSON. */
export function asPlainJson(file: string, text: string): string {
  return mayHaveJsonComments(file, text) ? blankJsonComments(text) : text;
}
