// One esbuild script for every bundle: the extension host (CJS, `vscode` external), its validation
// and navigation workers, the codegen worker, the CLI, and the webviews (browser, iife). `--production` minifies for the .vsix;
// otherwise sourcemaps for debugging.
import { build, context } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { webviewBundles } from './webviewBundles.mjs';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** jsonc-parser's UMD build requires its own files at run time, which a bundle cannot satisfy. */
const jsoncEsm = path.join(path.dirname(require.resolve('jsonc-parser/package.json')), 'lib/esm/main.js');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  alias: { 'jsonc-parser': jsoncEsm, prettier: fileURLToPath(new URL('./stubs/prettier.cjs', import.meta.url)) },
  define: { EVENTSCOPE_VERSION: JSON.stringify(version) },
};

const bundles = [
  { ...common, entryPoints: { extension: 'src/extension/main.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...common, entryPoints: { validationWorker: 'src/core/worker/validationWorker.ts' }, outdir: 'dist' },
  // Outline, lenses, hovers and completion, so a large document never stalls the extension host.
  { ...common, entryPoints: { navWorker: 'src/core/worker/navWorker.ts' }, outdir: 'dist' },
  // The generator (json-schema-to-typescript, ajv's code generation) lives only here, loaded on first use.
  { ...common, entryPoints: { codegenWorker: 'src/core/worker/codegenWorker.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  ...webviewBundles({ production }),
];

if (watch) {
  for (const options of bundles) await (await context(options)).watch();
} else {
  await Promise.all(bundles.map((options) => build(options)));
}
