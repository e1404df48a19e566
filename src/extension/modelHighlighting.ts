// Inline highlighting with the active adapter. A file is predicted in passes: the lines on screen first, then the
// rest a few lines at a time (src/core/prediction/predictionOrder.ts); an edit or a scroll between two passes
// decides what comes next, and a pass predicted for an older version of the file is dropped. While a file is
// edited its predicted spans move with the text and only the lines an edit touched are predicted again, ~400 ms
// after the typing stops. Predictions exactly matching an annotation or rejected in the review panel
// are not shown. In Restricted Mode nothing is loaded.
import * as vscode from 'vscode';
import type { PredictedSpan } from '../core/prediction/predictor.js';
import type { AnnotationService, WorkspaceFile } from './annotationService.js';
import { PredictionDecorations } from './modelHighlightingDecorations.js';
import { NoAdapterError, RestrictedModeError, type PredictionService } from './predictions/predictionService.js';
import { withoutRejected, type Rejections } from './predictions/rejections.js';
import { shiftSpans } from './predictions/spanShift.js';
import { lineUnits, unitsTouching, type TextUnit } from '../core/prediction/textUnits.js';
import { nextPass, withoutPredicted } from '../core/prediction/predictionOrder.js';
import type { PastaStatusBar } from './statusBar.js';

export const MODEL_HIGHLIGHTING_KEY = 'pasta.modelHighlighting';
export const PREDICT_DEBOUNCE_MS = 400;
/** Larger files are not highlighted: predicting them on every pause would keep the CPU busy. */
const MAX_HIGHLIGHT_CHARS = 200_000;
const TEXT_LANGUAGES = new Set(['plaintext', 'markdown']);

interface DocumentPredictions {
  /** The adapter that predicted `spans` (undefined before the first pass). */
  adapter: string | undefined;
  /** Offsets into the document as it is now (shifted with every edit). */
  spans: PredictedSpan[];
  /** Regions not predicted yet or edited since (offsets into the document as it is now). */
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
  private running: Promise<boolean> | undefined;
  private again = false;
  /** The precision of the last pass, for the status bar. */
  private precision: string | undefined;
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
      // Passes chain while lines are outstanding; a scroll while none is running or due starts them again.
      vscode.window.onDidChangeTextEditorVisibleRanges(() => {
        if (!this.running && this.timer === undefined && [...this.documents.values()].some((d) => d.dirty.length > 0)) this.schedule(0);
      }),
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
    this.timer = undefined;
    this.documents.clear();
    for (const editor of vscode.window.visibleTextEditors) this.decorations.clear(editor);
    this.statusBar.setPredictionSummary(undefined);
  }

  /** The predictions shown in a document now, for the review panel and for tests. */
  spansOf(uri: vscode.Uri): readonly PredictedSpan[] {
    return this.documents.get(uri.toString())?.spans ?? [];
  }

  /** Predicts what is outstanding now, pass after pass, and resolves when it is shown. */
  async refresh(): Promise<void> {
    for (let more = true; more;) {
      clearTimeout(this.timer);
      this.timer = undefined;
      more = await this.runOnce();
    }
  }

  private schedule(delayMs: number): void {
    if (!this.enabled) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runOnce();
    }, delayMs);
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

  /** One pass; resolves to whether lines are still outstanding after it (then the next pass is chained). */
  private runOnce(): Promise<boolean> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const running = this.predictVisible().catch((err: Error) => {
      this.log.error(`model highlighting: ${err.stack ?? err}`);
      return false;
    });
    this.running = running;
    void running.then((more) => {
      this.running = undefined;
      // An edit's pending debounce pre-empts the background passes until it fires.
      if (this.again || (more && this.timer === undefined)) {
        this.again = false;
        this.schedule(0);
      }
    });
    return running;
  }

  /** One batch per workspace folder: the next pass of every visible text file (its outstanding lines on screen first). */
  private async predictVisible(): Promise<boolean> {
    if (!this.enabled) return false;
    if (!vscode.workspace.isTrusted) {
      this.statusBar.setPredictionSummary('restricted');
      return false;
    }
    const work = new Map<
      string,
      {
        folder: vscode.WorkspaceFolder;
        jobs: { document: vscode.TextDocument; version: number; entry: DocumentPredictions; units: TextUnit[] }[];
      }
    >();
    const seen = new Set<string>();
    for (const editor of vscode.window.visibleTextEditors) {
      const document = editor.document;
      const key = document.uri.toString();
      if (seen.has(key)) continue;
      seen.add(key);
      const file = this.annotations.locate(document.uri);
      if (!file || !isHighlightable(document, file)) continue;
      const units = lineUnits(document.getText());
      let entry = this.documents.get(key);
      if (!entry) {
        entry = { adapter: undefined, spans: [], dirty: units };
        this.documents.set(key, entry);
      }
      // Whole lines from here on, so that an edit drops only the outstanding lines it touches (shiftSpans).
      entry.dirty = unitsTouching(units, entry.dirty);
      if (entry.dirty.length === 0) continue;
      const visible = vscode.window.visibleTextEditors
        .filter((e) => e.document === document)
        .flatMap((e) => e.visibleRanges.map((r) => ({ start: document.offsetAt(r.start), end: document.offsetAt(r.end) })));
      const group = work.get(file.folder.uri.toString()) ?? { folder: file.folder, jobs: [] };
      group.jobs.push({ document, version: document.version, entry, units: nextPass(entry.dirty, visible) });
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
          return false;
        }
        throw err;
      }
      this.precision = result.precision;
      let k = 0;
      for (const job of jobs) {
        const predicted = job.units.flatMap((u) => result.spans[k++].map((s) => ({ ...s, start: s.start + u.start, end: s.end + u.start })));
        const { entry } = job;
        // Edited while predicting (the offsets are out of date; the edit scheduled another pass), closed, or the
        // model changed (documents cleared): nothing of this pass is shown.
        if (job.document.version !== job.version || this.documents.get(job.document.uri.toString()) !== entry) continue;
        if (entry.adapter !== undefined && entry.adapter !== result.adapter) {
          entry.spans = [];
          entry.dirty = lineUnits(job.document.getText());
        }
        entry.adapter = result.adapter;
        const inUnits = (s: TextUnit) => job.units.some((u) => s.start < u.end && u.start < s.end);
        entry.spans = [...entry.spans.filter((s) => !inUnits(s)), ...predicted].sort((a, b) => a.start - b.start);
        entry.dirty = withoutPredicted(entry.dirty, job.units);
      }
      total += texts.length;
    }
    await this.redrawAll();
    if (total > 0) this.predicted.fire();
    return [...work.values()].some((g) => g.jobs.some((j) => this.documents.get(j.document.uri.toString())?.dirty.length));
  }

  private async redrawAll(): Promise<void> {
    if (!this.enabled) return;
    await Promise.all(vscode.window.visibleTextEditors.map((e) => this.redraw(e)));
    const shown = vscode.window.visibleTextEditors.reduce((n, e) => n + (this.shownSpans.get(e.document.uri.toString()) ?? 0), 0);
    const predictedOnce = [...this.documents.values()].some((d) => d.adapter !== undefined);
    if (vscode.workspace.isTrusted && predictedOnce) this.statusBar.setPredictionSummary(`${shown} predicted (${this.precision ?? 'fp32'})`);
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
    this.timer = undefined;
    for (const d of this.disposables) d.dispose();
  }
}
