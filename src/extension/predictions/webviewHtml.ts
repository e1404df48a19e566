// The predictions webview's document: strict CSP with a per-load nonce, only the bundled script and its CSS
// (esbuild writes dist/webview/predictions.css next to the script from webview/predictions/predictions.css).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function predictionsHtml(webview: vscode.Webview, extensionUri: vscode.Uri, uri: string): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'predictions.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'predictions.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}" nonce="${nonce}">
<title>PASTA predictions</title>
</head>
<body>
<div id="app" data-nonce="${nonce}" data-uri="${escapeAttr(uri)}"></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
