// Entity highlighting in text editors: one decoration type per label colour, a hover naming the label.
// A translucent background with a solid border reads in light, dark and high-contrast themes alike.
import * as vscode from 'vscode';
import type { LabelDefinition } from '../core/data/annotationStore.js';
import type { AnnotationService } from './annotationService.js';

export class EntityDecorations implements vscode.Disposable {
  private readonly types = new Map<string, vscode.TextEditorDecorationType>();
  private readonly typeColors = new Map<string, string>();
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
    const byLabel = new Map<string, vscode.DecorationOptions[]>();
    let labels: LabelDefinition[] = [];
    if (this.enabled) {
      try {
        labels = await this.annotations.labels(file.folder);
        const state = await this.annotations.load(file, editor.document.getText());
        if (state.status === 'fresh') {
          for (const span of state.spans) {
            const range = new vscode.Range(editor.document.positionAt(span.start), editor.document.positionAt(span.end));
            const hover = new vscode.MarkdownString(`PASTA entity: **${span.label}**`);
            const list = byLabel.get(span.label) ?? [];
            list.push({ range, hoverMessage: hover });
            byLabel.set(span.label, list);
          }
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
    for (const label of labels) this.typeFor(label.name, label.color);
    for (const [name, type] of this.types) editor.setDecorations(type, byLabel.get(name) ?? []);
    for (const [name, options] of byLabel) if (!this.types.has(name)) editor.setDecorations(this.typeFor(name, '#808080'), options);
  }

  private typeFor(label: string, color: string): vscode.TextEditorDecorationType {
    const existing = this.types.get(label);
    if (existing && this.typeColors.get(label) === color) return existing;
    existing?.dispose();
    const type = vscode.window.createTextEditorDecorationType({
      backgroundColor: `${color}33`,
      border: `1px solid ${color}`,
      borderRadius: '2px',
      overviewRulerColor: `${color}99`,
      overviewRulerLane: vscode.OverviewRulerLane.Center,
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.types.set(label, type);
    this.typeColors.set(label, color);
    return type;
  }

  dispose(): void {
    for (const t of this.types.values()) t.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
