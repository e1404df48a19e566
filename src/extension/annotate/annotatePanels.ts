// Opens one annotation panel per file and revives panels after a reload (WebviewPanelSerializer):
// the webview keeps its state with setState, the host reloads the file and spans from disk.
import * as vscode from 'vscode';
import type { AnnotationService } from '../annotationService.js';
import { AnnotateSession } from './annotateSession.js';
import { webviewHtml, webviewRoots } from '../webviewDocument.js';

export const ANNOTATE_VIEW_TYPE = 'pasta.annotate';

export class AnnotatePanels implements vscode.Disposable {
  private readonly sessions = new Map<string, AnnotateSession>();
  private readonly serializer: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly annotations: AnnotationService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.serializer = vscode.window.registerWebviewPanelSerializer(ANNOTATE_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state: unknown) => this.revive(panel, state),
    });
  }

  async open(uri: vscode.Uri): Promise<void> {
    const existing = this.sessions.get(uri.toString());
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(ANNOTATE_VIEW_TYPE, this.title(uri), vscode.ViewColumn.Beside, this.options());
    await this.attach(panel, uri);
  }

  private async revive(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const file = typeof state === 'object' && state !== null ? (state as { file?: unknown; uri?: unknown }).uri : undefined;
    if (typeof file !== 'string') {
      panel.dispose();
      return;
    }
    panel.webview.options = this.options();
    await this.attach(panel, vscode.Uri.parse(file, true));
  }

  private async attach(panel: vscode.WebviewPanel, uri: vscode.Uri): Promise<void> {
    const file = this.annotations.locate(uri);
    if (!file) {
      panel.dispose();
      void vscode.window.showErrorMessage(`PASTA: ${uri.fsPath} is not inside a workspace folder.`);
      return;
    }
    const session = new AnnotateSession(panel, uri, file, this.annotations, this.log);
    this.sessions.set(uri.toString(), session);
    panel.onDidDispose(() => {
      session.dispose();
      this.sessions.delete(uri.toString());
    });
    panel.title = this.title(uri);
    try {
      await session.load();
    } catch (err) {
      void vscode.window.showErrorMessage(`PASTA: ${(err as Error).message}`);
    }
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, {
      app: 'annotate',
      title: 'PASTA annotation',
      style: ['media', 'annotate.css'],
      data: { uri: uri.toString() },
    });
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: webviewRoots(this.extensionUri), enableFindWidget: true };
  }

  private title(uri: vscode.Uri): string {
    return `Annotate ${uri.path.split('/').at(-1)}`;
  }

  dispose(): void {
    this.serializer.dispose();
    for (const s of this.sessions.values()) s.panel.dispose();
  }
}
