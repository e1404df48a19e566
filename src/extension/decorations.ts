// Entity highlighting in text editors: one decoration type per label colour, a hover naming the label.
// A translucent background with a solid border reads in light, dark and high-contrast themes alike.
import * as vscode from 'vscode';
import type { LabelDefinition } from '../core/project/labels.js';
import type { AnnotationService } from './annotationService.js';
import { FALLBACK_LABEL_COLOR, LabelDecorationTypes, decorationsByLabel } from './labelDecorationTypes.js';

export class EntityDecorations implements vscode.Disposable {
  private readonly types = new LabelDecorationTypes({
    fillAlpha: '33',
    borderStyle: 'solid',
    rulerAlpha: '99',
    rulerLane: vscode.OverviewRulerLane.Center,
  });
  private enabled = true;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly warnedStale = new Set<string>();

  constructor(private readonly annotations: AnnotationService) {
    this.disposables.push(
      vscode.window.onDidChangeVisibleTextEditors(() => void this.refreshAll()),
      vscode.workspace.onDidSaveTextDocument(() => void this.refreshAll()),
      annotations.onDidChange(() => void this.refreshAll()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('pasta.labelColors') && void this.refreshAll()),
    );
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  toggle(): boolean {
    this.enabled = !this.enabled;
    void this.refreshAll();
    return this.enabled;
  }

  async refreshAll(): Promise<void> {
    await Promise.all(vscode.window.visibleTextEditors.map((e) => this.refresh(e)));
  }

  private async refresh(editor: vscode.TextEditor): Promise<void> {
    const file = this.annotations.locate(editor.document.uri);
    if (!file) return;
    let byLabel = new Map<string, vscode.DecorationOptions[]>();
    let labels: LabelDefinition[] = [];
    if (this.enabled) {
      try {
        labels = await this.annotations.labels(file.folder);
        const state = await this.annotations.load(file, editor.document.getText());
        if (state.status === 'fresh') {
          byLabel = decorationsByLabel(editor.document, state.spans, (span) => new vscode.MarkdownString(`PASTA entity: **${span.label}**`));
        } else if (state.status === 'stale' && !editor.document.isDirty && !this.warnedStale.has(file.relativePath)) {
          this.warnedStale.add(file.relativePath);
          void vscode.window
            .showWarningMessage(`PASTA: ${file.relativePath}: ${state.problem}. Its entities are hidden until re-anchored.`, 'Open Annotation Editor')
            .then((choice) => choice && vscode.commands.executeCommand('pasta.annotateCurrentFile', editor.document.uri));
        }
      } catch (err) {
        void vscode.window.showErrorMessage(`PASTA: ${(err as Error).message}`);
      }
    }
    for (const label of labels) this.types.ensure(label.name, label.color);
    // A label the project does not define keeps the type it has, grey when it has none.
    for (const name of byLabel.keys()) if (!this.types.has(name)) this.types.ensure(name, FALLBACK_LABEL_COLOR);
    this.types.show(editor, byLabel);
  }

  dispose(): void {
    this.types.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
