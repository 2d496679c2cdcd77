import type { Severity } from '../../shared/findings';

export type RuleSetting = Severity | 'off';

export interface DesignRule {
  code: string;
  defaultSeverity: Severity;
  /** One line for the settings UI and the README. */
  description: string;
}

/** Eventscope's own event-design rules. Each code can be re-classed or switched off in `eventscope.rules`. */
export const DESIGN_RULES = [
  { code: 'eventscope-duplicate-message', defaultSeverity: 'error', description: 'Two different messages share a name or messageId.' },
  { code: 'eventscope-operation-without-messages', defaultSeverity: 'warning', description: 'An operation carries no message.' },
  { code: 'eventscope-unused-channel', defaultSeverity: 'warning', description: 'A channel is used by no operation.' },
  { code: 'eventscope-correlation-id-unresolved', defaultSeverity: 'error', description: 'A correlation ID location names no field of the message headers or payload.' },
  { code: 'eventscope-undeclared-parameter', defaultSeverity: 'error', description: 'A channel address uses a {parameter} that the channel does not declare.' },
  { code: 'eventscope-unused-parameter', defaultSeverity: 'warning', description: 'A declared channel parameter does not appear in the address.' },
  { code: 'eventscope-payload-without-type', defaultSeverity: 'warning', description: 'A message payload schema says nothing about its type.' },
  { code: 'eventscope-open-message-schema', defaultSeverity: 'warning', description: 'A message payload allows any extra property where the other messages are closed.' },
  { code: 'eventscope-invalid-example', defaultSeverity: 'error', description: 'A message example does not match its payload or headers schema.' },
] as const satisfies readonly DesignRule[];

export type DesignRuleCode = (typeof DESIGN_RULES)[number]['code'];

/** Resolves a rule's effective severity; `undefined` means the rule is off. */
export function severityFor(code: DesignRuleCode, settings: Readonly<Record<string, RuleSetting>> = {}): Severity | undefined {
  const configured = settings[code];
  if (configured === 'off') return undefined;
  return configured ?? DESIGN_RULES.find((rule) => rule.code === code)?.defaultSeverity;
}
