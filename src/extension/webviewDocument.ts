// The document every PASTA webview loads: a strict CSP with a per-load nonce, the app's bundled script, the
// stylesheet all webviews share and then the app's own, nothing remote; `data` becomes data-* attributes of #app.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewDocument {
  /** The bundle dist/webview/<app>.js. */
  app: string;
  title: string;
  /** The app's stylesheet, linked after SHARED_STYLE: path segments under the extension (['media', 'annotate.css']). */
  style: string[];
  data?: Record<string, string>;
}

/** The stylesheet every PASTA webview links before its own: theme colours and fonts, the pinned toolbar, banners. */
const SHARED_STYLE = ['media', 'webview.css'];

/** Folders a PASTA webview may load from. */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, doc: WebviewDocument): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${doc.app}.js`));
  const styles = [SHARED_STYLE, doc.style].map((path) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const data = Object.entries({ nonce, ...doc.data })
    .map(([k, v]) => ` data-${k}="${escapeAttr(v)}"`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles.map((href) => `<link rel="stylesheet" href="${href}" nonce="${nonce}">`).join('\n')}
<title>${escapeAttr(doc.title)}</title>
</head>
<body>
<div id="app"${data}></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
