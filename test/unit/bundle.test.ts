import { build } from 'esbuild';
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from './helpers';

/** Modules that must stay out of the extension host: they live in the workers and processes that load them on first use. */
const HEAVY = ['@asyncapi/parser', '@stoplight/spectral-core', 'json-schema-to-typescript', 'aedes', 'mqtt', 'kafkajs', 'amqplib', 'nats'];

describe('the extension host bundle', () => {
  it('holds none of the parser, the generator, the broker or the broker clients', async () => {
    const result = await build({
      entryPoints: [path.join(ROOT, 'src/extension/main.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      outdir: path.join(ROOT, 'out/bundle-test'),
      external: ['vscode'],
      metafile: true,
      logLevel: 'error',
      alias: { 'jsonc-parser': path.join(ROOT, 'node_modules/jsonc-parser/lib/esm/main.js'), prettier: path.join(ROOT, 'scripts/stubs/prettier.cjs') },
    });
    const inputs = Object.keys(result.metafile.inputs);
    for (const module of HEAVY) {
      const bundled = inputs.filter((input) => input.includes(`node_modules/${module}/`));
      assert.deepEqual(bundled.slice(0, 3), [], `${module} is bundled into the extension host`);
    }
  });
});
