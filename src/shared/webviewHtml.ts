/**
 * The page of every Eventscope webview: a strict CSP whose nonce admits only the bundle's script,
 * no inline script or style; the bundle builds everything inside `#app`.
 */
export function webviewHtml(options: { cspSource: string; nonce: string; scriptUri: string; styleUri: string; title: string }): string {
  const { cspSource, nonce, scriptUri, styleUri, title } = options;
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${cspSource}; img-src ${cspSource} data:; font-src ${cspSource}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${styleUri}">
<title>${title}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>`;
}
