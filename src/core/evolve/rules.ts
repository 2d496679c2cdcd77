/** Stable rule IDs of the breaking-change check, each with one line on why it breaks whom. */
export const DIFF_RULES = {
  'type-narrowed': 'Fewer types accepted: producers still sending the dropped types are rejected by receivers.',
  'type-widened': 'More types accepted: consumers holding the old schema reject the new types.',
  'type-changed': 'Types added and removed: old and new messages are mutually incompatible.',
  'nullable-added': 'null now allowed: consumers holding the old schema reject null.',
  'nullable-removed': 'null no longer allowed: producers still sending null are rejected.',
  'enum-narrowed': 'Fewer values allowed: producers still sending the dropped values are rejected.',
  'enum-widened': 'More values allowed: consumers holding the old schema reject the new values.',
  'enum-changed': 'Values added and removed: both directions break.',
  'bound-tightened': 'A numeric bound is stricter: values valid before are now rejected.',
  'bound-loosened': 'A numeric bound is looser: consumers holding the old bound reject the new values.',
  'bound-changed': 'multipleOf changed to an unrelated step: both directions break.',
  'length-tightened': 'A length, item or property count bound is stricter.',
  'length-loosened': 'A length, item or property count bound is looser.',
  'pattern-added': 'A pattern now constrains the string: values valid before may be rejected.',
  'pattern-removed': 'The pattern is gone: consumers holding the old pattern may reject new values.',
  'pattern-changed': 'The pattern changed: whether one includes the other is not decided.',
  'format-added': 'A format now constrains the string.',
  'format-removed': 'The format is gone: consumers holding the old format may reject new values.',
  'format-changed': 'A different format: values of one are rarely values of the other.',
  'property-added': 'A property was declared: under a closed object it was rejected before; under an open one its values are now constrained.',
  'property-removed': 'A property was removed: a closed object now rejects it; an open one accepts any value for it.',
  'required-added': 'A property is now required: messages without it are rejected.',
  'required-removed': 'A property is no longer required: consumers holding the old schema reject messages without it.',
  'additional-properties-closed': 'Undeclared properties are now rejected.',
  'additional-properties-opened': 'Undeclared properties are now accepted: consumers holding the closed schema reject them.',
  'unevaluated-properties-closed': 'Unevaluated properties are now rejected.',
  'unevaluated-properties-opened': 'Unevaluated properties are now accepted.',
  'tuple-item-added': 'A tuple position was added.',
  'tuple-item-removed': 'A tuple position was removed.',
  'branch-added': 'A oneOf/anyOf alternative was added: consumers holding the old schema reject it.',
  'branch-removed': 'A oneOf/anyOf alternative was removed: producers still sending it are rejected.',
  'all-of-added': 'An allOf part was added: every message must now also match it.',
  'all-of-removed': 'An allOf part was removed: consumers holding the old schema still require it.',
  'composition-changed': 'A schema was wrapped in or unwrapped from a combinator: not decided.',
  'discriminator-changed': 'The discriminator property changed: receivers dispatch on the wrong field.',
  'discriminator-value-added': 'A discriminator value was added: consumers do not know the new variant.',
  'discriminator-value-removed': 'A discriminator value was removed: producers still sending it are rejected.',
  'default-changed': 'A default changed: not a validation change, but readers that fill in defaults see another value.',
  'schema-opened': 'A schema that accepted nothing now accepts values.',
  'schema-closed': 'A schema now accepts nothing.',
  'schema-changed': 'The schema is not a JSON Schema in one version: not decided.',
  'schema-keyword-changed': 'A validation keyword whose inclusion is not decided (not, if/then/else, patternProperties, …) changed.',
  'schema-unresolved': 'A $ref could not be resolved in one version: not decided.',
  'schema-format-changed': 'The payload schema format changed: the encoding on the wire is different.',
  'payload-undecided': 'A payload in a schema format other than JSON Schema changed: not decided.',
  'channel-added': 'A new channel: nobody depends on it yet.',
  'channel-removed': 'A channel was removed: its producers and consumers lose their counterpart.',
  'channel-renamed': 'A 3.x channel key changed but not its address: nothing changes on the wire.',
  'channel-address-changed': 'The address changed: clients keep publishing to or subscribing on the old one.',
  'parameter-added': 'An address parameter was added: the address has a different shape.',
  'parameter-removed': 'An address parameter was removed: the address has a different shape.',
  'parameter-renamed': 'An address parameter was renamed in place: the address on the wire is the same.',
  'operation-added': 'A new operation: nobody depends on it yet.',
  'operation-removed': 'An operation was removed: its counterpart waits for messages that never come, or sends messages nobody reads.',
  'operation-renamed': 'An operation ID changed: the wire is the same (generated code names change).',
  'operation-action-changed': 'The operation now sends instead of receives (or the reverse): its counterparts no longer match.',
  'message-added': 'A message was added to an operation: consumers of what is sent do not know it; receivers just accept more.',
  'message-removed': 'A message was removed from an operation: receivers reject what producers still send; consumers of what is sent merely get less.',
  'message-renamed': 'A message name changed while its content stayed the same: the wire is the same.',
  'correlation-id-changed': 'The correlation ID moved: the counterpart looks for it in the old place.',
  'content-type-changed': 'The content type changed: consumers decode with the wrong codec.',
  'server-added': 'A new server.',
  'server-removed': 'A server was removed: clients configured for it cannot connect.',
  'server-protocol-changed': 'The server protocol changed: clients speak the old one.',
  'server-host-changed': 'The server host changed: clients connect to the old one.',
  'binding-changed': 'A protocol binding changed: its effect is protocol specific and not decided.',
  'security-added': 'Security is now required where none was: clients without credentials are refused.',
  'security-removed': 'Security is no longer required.',
  'security-changed': 'A security alternative was removed: clients using it are refused.',
  'security-alternative-added': 'A new security alternative: existing clients keep theirs.',
  'reply-changed': 'The reply address or channel changed: requesters wait for the reply in the old place.',
} as const;

export type RuleId = keyof typeof DIFF_RULES;

/** Rule categories, for switching or re-classing a whole family of rules in `.eventscope.yaml`. */
export const RULE_CATEGORIES = ['schema', 'message', 'channel', 'operation', 'server', 'security', 'binding'] as const;
export type RuleCategory = (typeof RULE_CATEGORIES)[number];

const MESSAGE_RULES: readonly RuleId[] = ['schema-format-changed', 'payload-undecided', 'correlation-id-changed', 'content-type-changed'];

export function categoryOf(rule: RuleId): RuleCategory {
  if (MESSAGE_RULES.includes(rule) || rule.startsWith('message-')) return 'message';
  if (rule.startsWith('channel-') || rule.startsWith('parameter-')) return 'channel';
  if (rule.startsWith('operation-') || rule === 'reply-changed') return 'operation';
  if (rule.startsWith('server-')) return 'server';
  if (rule.startsWith('security-')) return 'security';
  if (rule === 'binding-changed') return 'binding';
  return 'schema';
}

export const isRuleId = (name: string): name is RuleId => Object.hasOwn(DIFF_RULES, name);
export const isRuleCategory = (name: string): name is RuleCategory => (RULE_CATEGORIES as readonly string[]).includes(name);
