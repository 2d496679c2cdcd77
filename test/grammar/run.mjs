#!/usr/bin/env node
// Grammar tests for the AsyncAPI injection grammars (syntaxes/*.injection.tmLanguage.json).
//
//   node test/grammar/run.mjs            all checks below; exit code 1 on any failure
//   node test/grammar/run.mjs --no-diff  skip the host-grammar regression check
//
// 1. The generated grammars are up to date with syntaxes/src/asyncapi-injections.mjs.
// 2. The package.json `contributes.grammars` entries for the injections (if present)
//    match test/grammar/grammars.json, which is what the tests run against.
// 3. vscode-tmgrammar-test runs every test/grammar/cases/*.test.{yaml,jsonc,events} against
//    VS Code's own YAML / JSON grammars (vendored in test/grammar/base/) with the
//    injections applied; its own exit status decides. The scope assertions are
//    also counted one by one; the last line printed is "grammar: N passed, M failed".
// 4. Host-grammar regression check: every YAML document under examples/ and
//    test/fixtures/ (and a JSON rendering of each) is tokenized with and without
//    the injections. Apart from the added *.asyncapi scopes, the colour-relevant
//    scopes (everything but meta.*) must be identical on every line, so an
//    injection can never derail the host grammar's state for the rest of a file.

import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const configPath = join(here, 'grammars.json');
const casesGlob = 'test/grammar/cases/*.test.{yaml,jsonc,events}';
const require = createRequire(import.meta.url);

let failed = false;
let summary = 'grammar: 0 passed, 0 failed';
const fail = (msg) => {
  failed = true;
  console.error(`FAIL ${msg}`);
};

// --- 1. generated files are fresh ------------------------------------------
{
  const r = spawnSync(process.execPath, [join(root, 'syntaxes/src/asyncapi-injections.mjs'), '--check'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) fail('generated grammars are stale');
  else console.log('ok   generated grammars are up to date');
}

// --- 2. package.json wiring ---------------------------------------------------
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const injections = config.contributes.grammars.filter((g) => g.injectTo);
{
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const contributed = pkg.contributes?.grammars ?? [];
  for (const inj of injections) {
    const entry = contributed.find((g) => g.scopeName === inj.scopeName);
    const expectedPath = './' + relative(root, join(here, inj.path)).split('\\').join('/');
    if (!entry) {
      console.log(`note package.json contributes.grammars has no entry for ${inj.scopeName} yet`);
      continue;
    }
    const samePath = entry.path.replace(/^\.\//, '') === expectedPath.replace(/^\.\//, '');
    const sameTargets = JSON.stringify([...(entry.injectTo ?? [])].sort()) === JSON.stringify([...inj.injectTo].sort());
    if (!samePath || !sameTargets) {
      fail(
        `package.json grammar ${inj.scopeName} should be ` +
          JSON.stringify({ scopeName: inj.scopeName, path: expectedPath, injectTo: inj.injectTo }),
      );
    } else {
      console.log(`ok   package.json contributes ${inj.scopeName}`);
    }
  }
}

// --- 3. vscode-tmgrammar-test -------------------------------------------------
const toolPkg = require.resolve('vscode-tmgrammar-test/package.json');
const toolRequire = createRequire(toolPkg);
const toolDir = dirname(toolPkg);
{
  const r = spawnSync(
    process.execPath,
    [join(toolDir, 'dist/unit.js'), '--config', relative(root, configPath), casesGlob],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) fail(`vscode-tmgrammar-test exited with ${r.status}`);

  // Count assertions (one per ^^^ run or <- marker) and how many of them fail,
  // using the tool's own parser and runner, one assertion at a time.
  const { parseGrammarTestCase, runGrammarTestCase } = toolRequire('./dist/unit/index.js');
  const { createRegistry, loadConfiguration } = toolRequire('./dist/common/index.js');
  const registry = createRegistry(loadConfiguration(configPath, undefined, []).grammars);
  const caseDir = join(here, 'cases');
  const files = readdirSync(caseDir).filter((f) => /\.test\.(yaml|jsonc|events)$/.test(f)).sort();
  let passed = 0;
  let failedCount = 0;
  for (const f of files) {
    const tc = parseGrammarTestCase(readFileSync(join(caseDir, f), 'utf8'));
    const count = tc.assertions.reduce((n, line) => n + line.scopeAssertions.length, 0);
    if ((await runGrammarTestCase(registry, tc)).length === 0) {
      passed += count;
      continue;
    }
    for (const line of tc.assertions) {
      for (const a of line.scopeAssertions) {
        const single = { ...tc, assertions: [{ ...line, scopeAssertions: [a] }] };
        const failures = await runGrammarTestCase(registry, single);
        if (failures.length) failedCount++;
        else passed++;
      }
    }
  }
  summary = `grammar: ${passed} passed, ${failedCount} failed`;
  console.log(`${passed + failedCount} scope assertions in ${files.length} test files (${failedCount} failing)`);
  if (failedCount) failed = true;
  if (passed + failedCount === 0) fail('no assertions found');
}

// --- 4. host-grammar regression check -----------------------------------------
if (!process.argv.includes('--no-diff')) {
  const tm = toolRequire('vscode-textmate');
  const onig = toolRequire('vscode-oniguruma');
  const wasm = readFileSync(toolRequire.resolve('vscode-oniguruma').replace(/main\.js$/, 'onig.wasm')).buffer;
  const onigLib = onig.loadWASM(wasm).then(() => ({
    createOnigScanner: (p) => new onig.OnigScanner(p),
    createOnigString: (s) => new onig.OnigString(s),
  }));
  const byScope = Object.fromEntries(config.contributes.grammars.map((g) => [g.scopeName, join(here, g.path)]));
  const makeRegistry = (withInjections) =>
    new tm.Registry({
      onigLib,
      loadGrammar: async (scope) =>
        byScope[scope] ? tm.parseRawGrammar(readFileSync(byScope[scope], 'utf8'), byScope[scope]) : null,
      getInjections: (scope) =>
        withInjections ? injections.filter((g) => g.injectTo.includes(scope)).map((g) => g.scopeName) : [],
    });
  const plain = makeRegistry(false);
  const injected = makeRegistry(true);
  const grammarsFor = async (scope) => [await plain.loadGrammar(scope), await injected.loadGrammar(scope)];

  // per-character colour-relevant scopes of one line
  const charScopes = (line, tokens, dropAsyncapi) => {
    const out = new Array(line.length);
    for (const t of tokens) {
      const s = t.scopes.filter((x) => !x.startsWith('meta.') && !(dropAsyncapi && x.endsWith('.asyncapi'))).join(' ');
      for (let i = t.startIndex; i < Math.min(t.endIndex, line.length); i++) out[i] = s;
    }
    return out;
  };
  const compare = (name, text, [g0, g1]) => {
    let s0 = tm.INITIAL;
    let s1 = tm.INITIAL;
    let injectedLines = 0;
    const lines = text.split(/\r?\n/);
    for (let n = 0; n < lines.length; n++) {
      const line = lines[n];
      const r0 = g0.tokenizeLine(line, s0);
      const r1 = g1.tokenizeLine(line, s1);
      s0 = r0.ruleStack;
      s1 = r1.ruleStack;
      if (r1.tokens.some((t) => t.scopes.some((x) => x.endsWith('.asyncapi')))) injectedLines++;
      const a = charScopes(line, r0.tokens, false);
      const b = charScopes(line, r1.tokens, true);
      const i = a.findIndex((x, k) => x !== b[k]);
      if (i !== -1) {
        fail(`${name}:${n + 1}:${i + 1} host scopes changed by the injection\n     ${line}\n     without: ${a[i]}\n     with:    ${b[i]}`);
        return { injectedLines, ok: false };
      }
    }
    return { injectedLines, ok: true };
  };

  const YAML = require('yaml');
  const docs = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e)) docs.push(p);
    }
  };
  walk(join(root, 'examples'));
  walk(join(root, 'test/fixtures'));
  docs.sort();
  const yamlGrammars = await grammarsFor('source.yaml');
  const jsonGrammars = await grammarsFor('source.json');
  let files = 0;
  let lines = 0;
  let bad = 0;
  for (const p of docs) {
    const text = readFileSync(p, 'utf8');
    const rel = relative(root, p);
    const y = compare(rel, text, yamlGrammars);
    files++;
    lines += y.injectedLines;
    if (!y.ok) bad++;
    let data;
    try {
      data = YAML.parse(text);
    } catch {
      continue; // deliberately broken fixture
    }
    if (data === null || typeof data !== 'object') continue;
    const j = compare(`${rel} (as JSON)`, JSON.stringify(data, null, 2), jsonGrammars);
    files++;
    lines += j.injectedLines;
    if (!j.ok) bad++;
  }
  if (!bad) console.log(`ok   host grammars undisturbed in ${files} documents (${lines} lines with AsyncAPI scopes)`);
}

// The last line is the summary of the scope assertions ("N passed, M failed");
// the exit status also covers checks 1, 2 and 4.
if (failed) {
  console.error('grammar tests FAILED');
  console.log(summary);
  process.exit(1);
}
console.log('grammar tests passed');
console.log(summary);
