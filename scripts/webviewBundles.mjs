// esbuild options of the webview bundles (browser, iife, no Node), shared by scripts/build.mjs and the
// webview tests, which run the same bundle in Chromium.
export function webviewBundles({ production = false, outdir = 'dist/webview' } = {}) {
  return [
    {
      entryPoints: { trace: 'src/webview/trace/main.ts', flow: 'src/webview/flow/main.ts', diffReport: 'src/webview/diffReport/main.ts', 'diffReport.style': 'src/webview/diffReport/style.css' },
      outdir,
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      minify: production,
      sourcemap: production ? false : 'linked',
      logLevel: 'warning',
    },
  ];
}
