#!/usr/bin/env node
// Source of truth for the AsyncAPI TextMate injection grammars.
//
// The two JSON grammars next to this folder are generated from this file:
//   syntaxes/asyncapi-yaml.injection.tmLanguage.json  (injected into source.yaml)
//   syntaxes/asyncapi-json.injection.tmLanguage.json  (injected into source.json)
//
//   node syntaxes/src/asyncapi-injections.mjs          regenerate both files
//   node syntaxes/src/asyncapi-injections.mjs --check  exit 1 if they are stale
//
// Regexes are assembled from small fragments so that capture-group numbers are
// computed instead of hand-counted: `cap(spec, ...parts)` wraps parts in a
// capturing group and records `spec` (a scope name, or {name, patterns}) for it.
// Literal string parts must never contain capturing groups of their own; use
// `(?:...)` and lookarounds only (checked by `assertNoGroups`).
//
// Design notes (see test/grammar/README.md for more):
// * The injections are `L:` (left) injections, so at a position where both the
//   host grammar and an injected rule match, the injected rule wins.
// * YAML: a recognised `key: scalar` pair is matched as ONE token sequence,
//   from the key to the end of the scalar. Matching only the key (or only the
//   value) breaks VS Code's YAML grammar in some positions (e.g. the first key
//   of a document), while consuming the whole single-line pair leaves its
//   block-mapping state intact. The host scopes of key, colon and quotes are
//   re-applied so themes still colour them as usual.
// * JSON: a recognised pair is a begin/end rule mirroring the JSON grammar's
//   own dictionary-value rule (ends at `,` or before `}`), so separators and
//   nested values keep their usual scopes and validity.
// * Every selector excludes comments and strings: inside an already-open
//   string (descriptions, block scalars, multi-line plain scalars) nothing is
//   injected.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const R = String.raw;

// ---------------------------------------------------------------------------
// Tiny regex combinators
// ---------------------------------------------------------------------------

function assertNoGroups(src) {
  // An unescaped "(" that is not followed by "?" opens a capturing group.
  // Character classes are not parsed, so never put a bare "(" inside one.
  const stripped = src.replace(/\\./g, '');
  if (/\((?!\?)/.test(stripped)) {
    throw new Error(`literal regex fragment contains a capturing group: ${src}`);
  }
  return src;
}
const frag = (x) => (typeof x === 'string' ? { src: assertNoGroups(x), caps: [] } : x);
const seq = (...parts) => {
  const fs = parts.map(frag);
  return { src: fs.map((f) => f.src).join(''), caps: fs.flatMap((f) => f.caps) };
};
const alt = (...parts) => {
  const fs = parts.map(frag);
  return { src: `(?:${fs.map((f) => f.src).join('|')})`, caps: fs.flatMap((f) => f.caps) };
};
const cap = (spec, ...parts) => {
  const inner = seq(...parts);
  return { src: `(${inner.src})`, caps: [spec, ...inner.caps] };
};
const captures = (f) => {
  const out = {};
  f.caps.forEach((spec, i) => {
    if (spec === null || spec === undefined) return;
    out[String(i + 1)] = typeof spec === 'string' ? { name: spec } : spec;
  });
  return out;
};
/** A `match` rule from a fragment. */
const matchRule = (f, name) => {
  const rule = {};
  if (name) rule.name = name;
  rule.match = f.src;
  const c = captures(f);
  if (Object.keys(c).length) rule.captures = c;
  return rule;
};
/** Scope list helper: joins non-empty scope names with spaces. */
const scopes = (...xs) => xs.filter(Boolean).join(' ');

// ---------------------------------------------------------------------------
// Language-neutral pieces shared by both grammars
// ---------------------------------------------------------------------------

/** AsyncAPI 3 parameter / server-variable names: ^[A-Za-z0-9_\-]+$ */
const PARAM_NAME = R`[A-Za-z0-9_\-]+`;
const VERSION = R`[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.\-]+)?`;
const RUNTIME_SOURCE = R`\$message\.`;

const templateVariable = (kind) => [
  matchRule(
    seq(
      cap('punctuation.definition.parameter.begin.asyncapi', R`\{`),
      cap(`variable.parameter.${kind}.asyncapi`, PARAM_NAME),
      cap('punctuation.definition.parameter.end.asyncapi', R`\}`),
    ),
    `meta.parameter.${kind}.asyncapi`,
  ),
  // `{}` or `{not a name}`: not a valid parameter reference.
  { name: `invalid.illegal.parameter.${kind}.asyncapi`, match: R`\{[^{}]*\}` },
];

const sharedRepository = {
  'address-parameter': { patterns: templateVariable('address') },
  'server-variable': { patterns: templateVariable('server-variable') },

  // The part after '#': a JSON pointer (RFC 6901) such as /components/messages/Foo.
  'json-pointer': {
    patterns: [
      { name: 'punctuation.separator.pointer.asyncapi', match: '/' },
      { name: 'constant.character.escape.pointer.asyncapi', match: '~[01]' },
      { name: 'constant.character.escape.percent.asyncapi', match: '%[0-9A-Fa-f]{2}' },
      { name: 'invalid.illegal.pointer-escape.asyncapi', match: '~' },
    ],
  },
  // A $ref pointer: like json-pointer, and its last segment names the referenced
  // component (message, schema, parameter, ...).
  'ref-pointer': {
    patterns: [
      {
        name: 'entity.name.type.ref-name.asyncapi',
        match: R`(?<=/)(?:[^/~%]|~[01]|%[0-9A-Fa-f]{2})+$`,
        captures: { 0: { patterns: [{ include: '#json-pointer' }] } },
      },
      { include: '#json-pointer' },
    ],
  },

  // A $ref target without quotes: [file-or-url][#pointer]
  'ref-target': {
    patterns: [
      {
        name: 'string.other.ref-target.url.asyncapi markup.underline.link.asyncapi',
        match: R`[A-Za-z][A-Za-z0-9+.\-]*://[^#\s'"]*`,
      },
      matchRule(
        seq(
          cap('punctuation.separator.fragment.asyncapi', '#'),
          cap(
            { name: 'string.other.ref-target.pointer.asyncapi', patterns: [{ include: '#ref-pointer' }] },
            R`[^\s'"]*`,
          ),
        ),
      ),
      { name: 'string.other.ref-target.file.asyncapi', match: R`[^#\s'"]+` },
    ],
  },

  // $message.header#/correlationId, $message.payload#/user/id
  'runtime-expression': {
    patterns: [
      matchRule(
        seq(
          cap('punctuation.definition.variable.asyncapi', R`\$`),
          cap('variable.language.message.asyncapi', 'message'),
          cap('punctuation.accessor.asyncapi', R`\.`),
          alt(
            cap('variable.other.property.runtime-source.asyncapi', R`(?:header|payload)\b`),
            cap('invalid.illegal.runtime-source.asyncapi', R`[^#\s'"]*`),
          ),
          R`(?:`,
          cap('punctuation.separator.fragment.asyncapi', '#'),
          cap(
            { name: 'string.other.pointer.asyncapi', patterns: [{ include: '#json-pointer' }] },
            R`[^\s'"]*`,
          ),
          R`)?`,
        ),
        'variable.other.runtime-expression.asyncapi',
      ),
    ],
  },
};

// ---------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------

const Y = {
  key: 'meta.map.key.yaml',
  value: 'meta.map.value.yaml',
  ws: 'punctuation.whitespace.separator.yaml',
  plainKey: 'string.unquoted.plain.yaml entity.name.tag.yaml',
  singleKey: 'string.quoted.single.yaml entity.name.tag.yaml',
  doubleKey: 'string.quoted.double.yaml entity.name.tag.yaml',
  colon: 'punctuation.separator.map.value.yaml',
  plain: 'string.unquoted.plain.out.yaml',
  single: 'string.quoted.single.yaml',
  double: 'string.quoted.double.yaml',
  qbegin: 'punctuation.definition.string.begin.yaml',
  qend: 'punctuation.definition.string.end.yaml',
};

/** Where a YAML key may start: line start, after indentation / `- ` / `? `, or in a flow mapping. */
const YAML_KEY_START = R`(?<=^|[\t ,{\[])`;
/** Right after a flow mapping's `{` or `,` and up to three blanks (lookbehind needs fixed lengths). */
const YAML_FLOW_KEY_START = R`(?<=[{,]|[{,][\t ]|[{,][\t ]{2}|[{,][\t ]{3})`;
/** Where a YAML scalar value ends: end of line, a comment, or a flow indicator. */
const YAML_VALUE_END = R`(?=[\t ]*$|[\t ]+#|[\t ]*[,\]}])`;
/** A value followed by a flow mapping's `,` or `}`. */
const YAML_FLOW_VALUE_END = R`(?=[\t ]*[,}])`;

/** The host grammar scopes plain scalars by context: `plain.out` in block collections, `plain.in` in flow ones. */
const BLOCK = { plainKey: Y.plainKey, plain: Y.plain };
const FLOW = { plainKey: 'string.unquoted.plain.in.yaml entity.name.tag.yaml', plain: 'string.unquoted.plain.in.yaml' };
/** First character of a plain scalar (YAML 1.2 ns-plain-first, simplified). */
const YAML_PLAIN_FIRST = R`(?:[^\s\-?:,\[\]{}#&*!|>'"%@` + '`' + R`]|[\-?:](?=\S))`;

/** key alternatives: plain, 'single' or "double" quoted, then `:` and the separating blanks. */
function yamlKey(keyRe, keyScope, context) {
  const colon = (blanks) => [
    cap(Y.ws, R`[\t ]*`),
    cap(scopes(Y.value, Y.colon), ':'),
    cap(scopes(Y.value, Y.ws), blanks),
  ];
  return alt(
    seq(cap(scopes(Y.key, context.plainKey, keyScope), keyRe), ...colon(R`[\t ]+`)),
    seq(
      cap(scopes(Y.key, Y.singleKey), cap(Y.qbegin, "'"), cap(keyScope, keyRe), cap(Y.qend, "'")),
      ...colon(R`[\t ]*`),
    ),
    seq(
      cap(scopes(Y.key, Y.doubleKey), cap(Y.qbegin, '"'), cap(keyScope, keyRe), cap(Y.qend, '"')),
      ...colon(R`[\t ]*`),
    ),
  );
}

/**
 * A scalar value in its three flow styles, for a block or flow context. `content` is the regex for the
 * unquoted text (it must not match quotes); `valueScope`/`patterns` apply to it.
 */
function yamlScalar({ plain, single = plain, double = plain, valueScope, patterns }) {
  const spec = (style) =>
    patterns ? { name: scopes(Y.value, style, valueScope), patterns } : scopes(Y.value, style, valueScope);
  return (context, quotedOnly = false) => alt(
    seq(
      cap(scopes(Y.value, Y.single, Y.qbegin), "'"),
      cap(spec(Y.single), single),
      cap(scopes(Y.value, Y.single, Y.qend), "'"),
    ),
    seq(
      cap(scopes(Y.value, Y.double, Y.qbegin), '"'),
      cap(spec(Y.double), double),
      cap(scopes(Y.value, Y.double, Y.qend), '"'),
    ),
    ...(quotedOnly ? [] : [cap(spec(context.plain), plain)]),
  );
}

/** A `key: value` pair; in flow collections too, with the host's flow scopes, unless it must start a line. */
function yamlPair({ start = YAML_KEY_START, key, keyScope, value, name, comment }) {
  const rule = (context, begin, end, ...after) =>
    matchRule(seq(begin, yamlKey(key, keyScope, context), value(context, end === YAML_FLOW_VALUE_END), end, ...after), name);
  // The host reads a flow mapping's `,` as the start of its next entries, a state this match skips: it takes the `,` too.
  const flowSeparator = [R`(?:`, cap(Y.ws, R`[\t ]*`), cap('punctuation.separator.mapping.yaml', ','), R`)?`];
  const patterns =
    start === '^'
      ? [rule(BLOCK, start, YAML_VALUE_END)]
      : [
          rule(FLOW, YAML_FLOW_KEY_START, YAML_VALUE_END, ...flowSeparator),
          // A pair on its own line inside a flow mapping that spans lines; only a quoted value tells it
          // apart, since a plain one may end at the `}` of an address parameter.
          rule(FLOW, start, YAML_FLOW_VALUE_END, ...flowSeparator),
          rule(BLOCK, start, YAML_VALUE_END),
        ];
  return comment ? { comment, patterns } : { patterns };
}

/** one character of a single-line plain scalar; blanks only when no comment follows */
const YAML_PLAIN_CHAR = R`(?:\S|[\t ]+(?=[^\s#]))`;
// text of an unquoted value that has at least one {param}
const YAML_PLAIN_TEMPLATE = R`(?=` + YAML_PLAIN_CHAR + R`*?\{)` + YAML_PLAIN_FIRST + YAML_PLAIN_CHAR + '*';
const QUOTED_TEMPLATE_SINGLE = R`(?=[^']*\{)[^']*`;
const QUOTED_TEMPLATE_DOUBLE = R`(?=(?:[^"\\]|\\.)*\{)(?:[^"\\]|\\.)*`;

const yamlPatterns = [
  { include: '#asyncapi-version' },
  { include: '#ref' },
  { include: '#runtime-expression-pair' },
  { include: '#channel-address-pair' },
  { include: '#server-template-pair' },
  { include: '#operation-action' },
  { include: '#channel-key' },
];

const yamlRepository = {
  'asyncapi-version': yamlPair({
    comment: 'asyncapi: 3.0.0 at the top level of a document',
    start: '^',
    key: 'asyncapi',
    keyScope: 'keyword.other.asyncapi-version.asyncapi',
    value: yamlScalar({ plain: VERSION, valueScope: 'constant.numeric.version.asyncapi' }),
    name: 'meta.asyncapi-version.asyncapi',
  }),
  ref: yamlPair({
    comment: "$ref: '#/components/messages/Foo' | ./common.yaml#/... | https://...",
    key: R`\$ref`,
    keyScope: 'keyword.other.ref.asyncapi',
    value: yamlScalar({
      plain: YAML_PLAIN_FIRST + R`[^\s,\[\]{}]*`,
      single: R`[^']*`,
      double: R`(?:[^"\\]|\\.)*`,
      valueScope: 'string.other.ref-target.asyncapi',
      patterns: [{ include: '#ref-target' }],
    }),
    name: 'meta.reference.asyncapi',
  }),
  'runtime-expression-pair': yamlPair({
    comment: "location: '$message.header#/correlationId'",
    key: 'location',
    value: yamlScalar({
      plain: RUNTIME_SOURCE + R`\S*`,
      single: RUNTIME_SOURCE + R`[^']*`,
      double: RUNTIME_SOURCE + R`[^"]*`,
      patterns: [{ include: '#runtime-expression' }],
    }),
  }),
  'channel-address-pair': yamlPair({
    comment: 'address: user/{userId}/signedup (only when it has a parameter)',
    key: 'address',
    value: yamlScalar({
      plain: YAML_PLAIN_TEMPLATE,
      single: QUOTED_TEMPLATE_SINGLE,
      double: QUOTED_TEMPLATE_DOUBLE,
      valueScope: 'meta.channel-address.asyncapi',
      patterns: [{ include: '#address-parameter' }],
    }),
  }),
  'server-template-pair': yamlPair({
    comment: 'server host / pathname (v3) or url (v2) with {variables}',
    key: '(?:host|pathname|url)',
    value: yamlScalar({
      plain: YAML_PLAIN_TEMPLATE,
      single: QUOTED_TEMPLATE_SINGLE,
      double: QUOTED_TEMPLATE_DOUBLE,
      valueScope: 'meta.server-url.asyncapi',
      patterns: [{ include: '#server-variable' }],
    }),
  }),
  'operation-action': yamlPair({
    comment: 'action: send | receive',
    key: 'action',
    value: yamlScalar({ plain: '(?:send|receive)', valueScope: 'keyword.other.operation-action.asyncapi' }),
  }),
  'channel-key': {
    comment: 'a mapping key holding a parameterised channel address, e.g. `user/{userId}/signedup:` (AsyncAPI 2 channels)',
    patterns: [
      matchRule(
        seq(
          R`(?<=^|[\t ])`,
          cap(
            {
              name: scopes(Y.key, Y.plainKey, 'meta.channel-address.asyncapi'),
              patterns: [{ include: '#address-parameter' }],
            },
            YAML_PLAIN_FIRST,
            R`(?:[^\s:]|:(?=\S))*?\{` + PARAM_NAME + R`\}(?:[^\s:]|:(?=\S))*`,
          ),
          R`(?=[\t ]*:(?:[\t ]|$))`,
        ),
      ),
      ...[
        ["'", Y.singleKey, R`[^']*?\{` + PARAM_NAME + R`\}[^']*`],
        ['"', Y.doubleKey, R`(?:[^"\\]|\\.)*?\{` + PARAM_NAME + R`\}(?:[^"\\]|\\.)*`],
      ].map(([q, keyScopes, body]) =>
        matchRule(
          seq(
            R`(?<=^|[\t ])`,
            cap(
              scopes(Y.key, keyScopes),
              cap(Y.qbegin, q),
              // (a capture with patterns does not inherit the enclosing capture's scopes)
              cap(
                {
                  name: scopes(Y.key, keyScopes, 'meta.channel-address.asyncapi'),
                  patterns: [{ include: '#address-parameter' }],
                },
                body,
              ),
              cap(Y.qend, q),
            ),
            R`(?=[\t ]*:(?:[\t ]|$))`,
          ),
        ),
      ),
    ],
  },
  ...sharedRepository,
};

// ---------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------

const J = {
  key: 'string.json support.type.property-name.json',
  kbegin: 'punctuation.support.type.property-name.begin.json',
  kend: 'punctuation.support.type.property-name.end.json',
  colon: 'punctuation.separator.dictionary.key-value.json',
  pair: 'punctuation.separator.dictionary.pair.json',
  value: 'meta.structure.dictionary.value.json',
  string: 'string.quoted.double.json',
  sbegin: 'punctuation.definition.string.begin.json',
  send: 'punctuation.definition.string.end.json',
};
const JSON_CHARS = R`(?:[^"\\]|\\.)`;

/** "text" where `content` must match everything between the quotes. */
function jsonString(content, valueScope, patterns) {
  return matchRule(
    seq(
      cap(scopes(J.string, J.sbegin), '"'),
      cap(patterns ? { name: scopes(J.string, valueScope), patterns } : scopes(J.string, valueScope), content),
      cap(scopes(J.string, J.send), '"'),
    ),
  );
}

/** "key": <value> as a begin/end rule that mirrors JSON.tmLanguage's dictionary value. */
function jsonPair({ key, keyScope, name, valuePatterns, comment }) {
  // Only a key followed by `:` on the same line starts a pair: a bare "$ref" at
  // the end of a line may just as well be an array element.
  const begin = seq(
    cap(J.key, cap(J.kbegin, '"'), cap(keyScope, key), cap(J.kend, '"')),
    R`(?=\s*:)`,
  );
  const rule = {};
  if (comment) rule.comment = comment;
  if (name) rule.name = name;
  Object.assign(rule, {
    begin: begin.src,
    beginCaptures: captures(begin),
    end: R`(,)|(?=\})`,
    endCaptures: { 1: { name: J.pair } },
    contentName: J.value,
    patterns: [
      { name: J.colon, match: ':' },
      ...valuePatterns,
      { include: 'source.json#value' },
      { name: 'invalid.illegal.expected-dictionary-separator.json', match: R`[^\s,]` },
    ],
  });
  return rule;
}

const JSON_TEMPLATE = R`(?=` + JSON_CHARS + R`*\{)` + JSON_CHARS + '*';

const jsonPatterns = [
  { include: '#asyncapi-version' },
  { include: '#ref' },
  { include: '#runtime-expression-pair' },
  { include: '#channel-address-pair' },
  { include: '#server-template-pair' },
  { include: '#operation-action' },
  { include: '#channel-key' },
];

const jsonRepository = {
  'asyncapi-version': jsonPair({
    comment: '"asyncapi": "3.0.0"',
    key: 'asyncapi',
    keyScope: 'keyword.other.asyncapi-version.asyncapi',
    name: 'meta.asyncapi-version.asyncapi',
    valuePatterns: [jsonString(VERSION, 'constant.numeric.version.asyncapi')],
  }),
  ref: jsonPair({
    comment: '"$ref": "#/components/messages/Foo" | "./common.json#/..." | "https://..."',
    key: R`\$ref`,
    keyScope: 'keyword.other.ref.asyncapi',
    name: 'meta.reference.asyncapi',
    valuePatterns: [jsonString(JSON_CHARS + '*', 'string.other.ref-target.asyncapi', [{ include: '#ref-target' }])],
  }),
  'runtime-expression-pair': jsonPair({
    comment: '"location": "$message.header#/correlationId"',
    key: 'location',
    valuePatterns: [jsonString(RUNTIME_SOURCE + R`[^"]*`, null, [{ include: '#runtime-expression' }])],
  }),
  'channel-address-pair': jsonPair({
    comment: '"address": "user/{userId}/signedup"',
    key: 'address',
    valuePatterns: [jsonString(JSON_TEMPLATE, 'meta.channel-address.asyncapi', [{ include: '#address-parameter' }])],
  }),
  'server-template-pair': jsonPair({
    comment: 'server "host" / "pathname" (v3) or "url" (v2) with {variables}',
    key: '(?:host|pathname|url)',
    valuePatterns: [jsonString(JSON_TEMPLATE, 'meta.server-url.asyncapi', [{ include: '#server-variable' }])],
  }),
  'operation-action': jsonPair({
    comment: '"action": "send" | "receive"',
    key: 'action',
    valuePatterns: [jsonString('(?:send|receive)', 'keyword.other.operation-action.asyncapi')],
  }),
  'channel-key': {
    comment: 'an object key holding a parameterised channel address, e.g. "user/{userId}/signedup": (AsyncAPI 2 channels)',
    ...matchRule(
      seq(
        cap(J.kbegin, '"'),
        cap(
          { name: 'meta.channel-address.asyncapi', patterns: [{ include: '#address-parameter' }] },
          JSON_CHARS + R`*?\{` + PARAM_NAME + R`\}` + JSON_CHARS + '*',
        ),
        cap(J.kend, '"'),
        R`(?=\s*:)`,
      ),
      J.key,
    ),
  },
  ...sharedRepository,
};

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

const header = [
  'GENERATED FILE - do not edit. Source: syntaxes/src/asyncapi-injections.mjs',
  'Regenerate with: node syntaxes/src/asyncapi-injections.mjs',
];

export const grammars = {
  'asyncapi-yaml.injection.tmLanguage.json': {
    information_for_contributors: header,
    name: 'AsyncAPI (YAML injection)',
    scopeName: 'asyncapi.yaml.injection',
    injectionSelector: 'L:source.yaml (meta.mapping.yaml | meta.flow.mapping.yaml) -comment -string',
    patterns: yamlPatterns,
    repository: yamlRepository,
  },
  'asyncapi-json.injection.tmLanguage.json': {
    information_for_contributors: header,
    name: 'AsyncAPI (JSON injection)',
    scopeName: 'asyncapi.json.injection',
    injectionSelector: 'L:source.json -comment -string',
    patterns: jsonPatterns,
    repository: jsonRepository,
  },
};

const outDir = join(dirname(fileURLToPath(import.meta.url)), '..');

export function render(grammar) {
  return JSON.stringify(grammar, null, 2) + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, grammar] of Object.entries(grammars)) {
    const path = join(outDir, file);
    const text = render(grammar);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        /* missing */
      }
      if (current !== text) {
        console.error(`stale: syntaxes/${file} (run node syntaxes/src/asyncapi-injections.mjs)`);
        stale++;
      }
    } else {
      writeFileSync(path, text);
      console.log(`wrote syntaxes/${file}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
