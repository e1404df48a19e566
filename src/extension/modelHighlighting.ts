// Inline highlighting with the active adapter. All visible text files are predicted in one batch; while a file
// is edited its predicted spans move with the text and only the lines an edit touched are predicted again,
// ~400 ms after the typing stops. Predictions exactly matching an annotation or rejected in the review panel
// are not shown. In Restricted Mode nothing is loaded.
import * as vscode from 'vscode';
import type { PredictedSpan } from '../core/prediction/predictor.js';
import type { AnnotationService, WorkspaceFile } from './annotationService.js';
import { PredictionDecorations } from './modelHighlightingDecorations.js';
import { NoAdapterError, RestrictedModeError, type PredictionService } from './predictions/predictionService.js';
import { withoutRejected, type Rejections } from './predictions/rejections.js';
import { shiftSpans } from './predictions/spanShift.js';
import { lineUnits, unitsTouching, type TextUnit } from '../core/prediction/textUnits.js';
import type { PastaStatusBar } from './statusBar.js';

export const MODEL_HIGHLIGHTING_KEY = 'pasta.modelHighlighting';
export const PREDICT_DEBOUNCE_MS = 400;
/** Larger files are not highlighted: predicting them on every pause would keep the CPU busy. */
const MAX_HIGHLIGHT_CHARS = 200_000;
const TEXT_LANGUAGES = new Set(['plaintext', 'markdown']);

interface DocumentPredictions {
  adapter: string;
  /** Offsets into the document as it is now (shifted with every edit). */
  spans: PredictedSpan[];
  /** Regions edited since they were last predicted (offsets into the document as it is now). */
  dirty: TextUnit[];
}

/** Whether a document is a text file the model highlights. */
export function isHighlightable(document: vscode.TextDocument, file: WorkspaceFile | undefined): boolean {
  return (
    file !== undefined &&
    (TEXT_LANGUAGES.has(document.languageId) || /\.(txt|md)$/i.test(document.uri.path)) &&
    document.getText().length <= MAX_HIGHLIGHT_CHARS
  );
}

export class ModelHighlighting implements vscode.Disposable {
  private readonly documents = new Map<string, DocumentPredictions>();
  private readonly decorations = new PredictionDecorations();
  private readonly disposables: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private readonly predicted = new vscode.EventEmitter<void>();
  /** Fires after a round of predictions is shown (tests wait for it). */
  readonly onDidPredict = this.predicted.event;

  constructor(
    private readonly service: PredictionService,
    private readonly annotations: AnnotationService,
    private readonly rejections: Rejections,
    private readonly statusBar: PastaStatusBar,
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.decorations,
      this.predicted,
      vscode.window.onDidChangeVisibleTextEditors(() => this.schedule(0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.edited(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.documents.delete(d.uri.toString())),
      annotations.onDidChange(() => void this.redrawAll()),
      service.onDidChangeModel(() => {
        this.documents.clear();
        this.schedule(0);
      }),
    );
    if (this.enabled) this.schedule(0);
  }

  get enabled(): boolean {
    return this.state.get<boolean>(MODEL_HIGHLIGHTING_KEY) === true;
  }

  async setEnabled(on: boolean): Promise<void> {
    await this.state.update(MODEL_HIGHLIGHTING_KEY, on);
    if (on) {
      this.schedule(0);
      return;
    }
    clearTimeout(this.timer);
    this.documents.clear();
    for (const editor of vscode.window.visibleTextEditors) this.decorations.clear(editor);
    this.statusBar.setPredictionSummary(undefined);
  }

  /** The predictions shown in a document now, for the review panel and for tests. */
  spansOf(uri: vscode.Uri): readonly PredictedSpan[] {
    return this.documents.get(uri.toString())?.spans ?? [];
  }

  /** Predicts what is outstanding now and resolves when it is shown. */
  async refresh(): Promise<void> {
    clearTimeout(this.timer);
    await this.runOnce();
  }

  private schedule(delayMs: number): void {
    if (!this.enabled) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.runOnce(), delayMs);
  }

  private edited(event: vscode.TextDocumentChangeEvent): void {
    const key = event.document.uri.toString();
    const entry = this.documents.get(key);
    if (!this.enabled || !entry || event.contentChanges.length === 0) return;
    const { spans, changed } = shiftSpans(entry.spans, event.contentChanges);
    entry.spans = spans;
    entry.dirty = [...shiftSpans(entry.dirty, event.contentChanges).spans, ...changed];
    for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === key) void this.redraw(editor);
    this.schedule(PREDICT_DEBOUNCE_MS);
  }

  private runOnce(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.predictVisible()
      .catch((err: Error) => this.log.error(`model highlighting: ${err.stack ?? err}`))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.schedule(0);
        }
      });
    return this.running;
  }

  /** One batch per workspace folder: every visible text file's new or edited lines. */
  private async predictVisible(): Promise<void> {
    if (!this.enabled) return;
    if (!vscode.workspace.isTrusted) {
      this.statusBar.setPredictionSummary('restricted');
      return;
    }
    const work = new Map<
      string,
      { folder: vscode.WorkspaceFolder; jobs: { document: vscode.TextDocument; version: number; units: TextUnit[]; full: boolean }[] }
    >();
    const seen = new Set<string>();
    for (const editor of vscode.window.visibleTextEditors) {
      const document = editor.document;
      const key = document.uri.toString();
      if (seen.has(key)) continue;
      seen.add(key);
      const file = this.annotations.locate(document.uri);
      if (!file || !isHighlightable(document, file)) continue;
      const entry = this.documents.get(key);
      const units = lineUnits(document.getText());
      const full = !entry;
      const todo = full ? units : unitsTouching(units, entry.dirty);
      if (!full && todo.length === 0) continue;
      const group = work.get(file.folder.uri.toString()) ?? { folder: file.folder, jobs: [] };
      group.jobs.push({ document, version: document.version, units: todo, full });
      work.set(file.folder.uri.toString(), group);
    }
    let total = 0;
    for (const { folder, jobs } of work.values()) {
      const texts = jobs.flatMap((j) => j.units.map((u) => j.document.getText(new vscode.Range(j.document.positionAt(u.start), j.document.positionAt(u.end)))));
      let result;
      try {
        result = await this.service.predict(folder, texts);
      } catch (err) {
        if (err instanceof RestrictedModeError || err instanceof NoAdapterError) {
          this.statusBar.setPredictionSummary(err instanceof NoAdapterError ? 'no adapter' : 'restricted');
          this.log.info(`model highlighting: ${err.message}`);
          return;
        }
        throw err;
      }
      let k = 0;
      for (const job of jobs) {
        const predicted = job.units.flatMap((u) => result.spans[k++].map((s) => ({ ...s, start: s.start + u.start, end: s.end + u.start })));
        const key = job.document.uri.toString();
        // Edited while predicting: these offsets are out of date; the edit scheduled another round.
        if (job.document.version !== job.version) continue;
        const entry = this.documents.get(key);
        if (job.full || !entry || entry.adapter !== result.adapter) {
          this.documents.set(key, { adapter: result.adapter, spans: predicted, dirty: [] });
        } else {
          const inUnits = (s: TextUnit) => job.units.some((u) => s.start < u.end && u.start < s.end);
          entry.spans = [...entry.spans.filter((s) => !inUnits(s)), ...predicted].sort((a, b) => a.start - b.start);
          entry.dirty = [];
        }
      }
      total += texts.length;
    }
    await this.redrawAll();
    if (total > 0) this.predicted.fire();
  }

  private async redrawAll(): Promise<void> {
    if (!this.enabled) return;
    await Promise.all(vscode.window.visibleTextEditors.map((e) => this.redraw(e)));
    const shown = vscode.window.visibleTextEditors.reduce((n, e) => n + (this.shownSpans.get(e.document.uri.toString()) ?? 0), 0);
    if (vscode.workspace.isTrusted && this.documents.size > 0) this.statusBar.setPredictionSummary(`${shown} predicted`);
  }

  private readonly shownSpans = new Map<string, number>();

  private async redraw(editor: vscode.TextEditor): Promise<void> {
    const key = editor.document.uri.toString();
    const entry = this.documents.get(key);
    const file = this.annotations.locate(editor.document.uri);
    if (!entry || !file) {
      this.decorations.clear(editor);
      this.shownSpans.set(key, 0);
      return;
    }
    const text = editor.document.getText();
    let spans = withoutRejected(entry.spans, this.rejections.of(file.relativePath), text);
    const colors = new Map<string, string>();
    try {
      for (const l of await this.annotations.labels(file.folder)) colors.set(l.name, l.color);
      const annotated = await this.annotations.load(file, text);
      if (annotated.status === 'fresh')
        spans = spans.filter((p) => !annotated.spans.some((a) => a.start === p.start && a.end === p.end && a.label === p.label));
    } catch (err) {
      this.log.warn(`model highlighting: ${(err as Error).message}`);
    }
    this.decorations.show(editor, spans, colors);
    this.shownSpans.set(key, spans.length);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
