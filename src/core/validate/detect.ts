/** A text is an AsyncAPI document when its top level has an `asyncapi` key (YAML or JSON). */
export function isAsyncApiText(text: string): boolean {
  const head = text.slice(0, 8192);
  return /^(?:asyncapi|"asyncapi"|'asyncapi')\s*:/m.test(head) || /^\s*\{\s*"asyncapi"\s*:/.test(head) || /^\s{1,8}"asyncapi"\s*:/m.test(head);
}
