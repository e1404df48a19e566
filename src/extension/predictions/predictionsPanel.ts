// The review panel (Prodigy's ner.correct flow): the file's predicted spans with accept / reject, "accept all
// above 0.9", and the next most uncertain document. Accepted spans become annotations through the store
// (atomic writes); rejected ones are remembered per file. One panel, revived after a reload by its serializer.
import * as vscode from 'vscode';
import type { Span } from '../../core/data/types.js';
import type { PredictedSpan } from '../../core/prediction/predictor.js';
import type { AnnotationService, WorkspaceFile } from '../annotationService.js';
import { NoAdapterError, RestrictedModeError, type PredictionService } from './predictionService.js';
import { type HostToWebview, type PredictionsViewState, type PredictionsStatus, parseWebviewMessage, type WebviewToHost } from '../../protocol/predictions.js';
import type { Rejections } from './rejections.js';
import { findPending, reviewItems } from './review.js';
import { acceptSpans, type AcceptMode } from './acceptSpans.js';
import { revealSpan } from './revealSpan.js';
import { languageModelSuggestions, type LanguageModelSuggestions } from './languageModelSuggestions.js';
import { followDocument } from './followDocument.js';
import { predictTexts } from './predictTexts.js';
import { webviewHtml, webviewRoots } from '../webviewDocument.js';

export const PREDICTIONS_VIEW_TYPE = 'pasta.predictions';
const BESIDE_THE_EDITOR = { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true };

export interface PredictionsPanelDeps {
  extensionUri: vscode.Uri;
  service: PredictionService;
  annotations: AnnotationService;
  rejections: Rejections;
  log: vscode.LogOutputChannel;
  /** The least certain workspace text file that is not annotated yet, other than `current`. */
  nextUncertain(current: vscode.Uri): Promise<vscode.Uri | undefined>;
  /** Called after spans were rejected, so that the editor stops showing them. */
  onRejected(): void;
}

export class PredictionsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private uri: vscode.Uri | undefined;
  private file: WorkspaceFile | undefined;
  /** The file's text on disk when it was predicted: every offset refers to it. */
  private text = '';
  private predictions: PredictedSpan[] = [];
  private suggested: LanguageModelSuggestions = { spans: [] };
  private annotated: Span[] = [];
  private adapter: string | undefined;
  private status: PredictionsStatus = 'predicting';
  private message: string | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly panelDisposables: vscode.Disposable[] = [];

  constructor(private readonly deps: PredictionsPanelDeps) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(PREDICTIONS_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state: unknown) => this.revive(panel, state),
      }),
      deps.annotations.onDidChange((changed) => {
        if (this.uri && (!changed || changed.toString() === this.uri.toString())) this.enqueue(() => this.reloadAnnotations());
      }),
      deps.service.onDidChangeModel(() => this.panel && this.enqueue(() => this.predict())),
      followDocument(
        () => (this.panel ? this.uri : undefined),
        (document) => this.enqueue(() => this.follow(document)),
      ),
    );
  }

  /** Shows `uri`'s predictions (predicting them first); resolves once they are shown. */
  async open(uri: vscode.Uri): Promise<boolean> {
    const file = this.deps.annotations.locate(uri);
    if (!file) {
      void vscode.window.showErrorMessage(
        `PASTA: ${uri.fsPath || uri.toString()} is not inside a workspace folder; only workspace files can be predicted and annotated.`,
      );
      return false;
    }
    if (this.panel) this.panel.reveal(undefined, true);
    else this.attach(vscode.window.createWebviewPanel(PREDICTIONS_VIEW_TYPE, 'PASTA Predictions', BESIDE_THE_EDITOR, this.options()));
    await this.target(uri, file);
    return true;
  }

  private async revive(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const uri = typeof state === 'object' && state !== null ? (state as { uri?: unknown }).uri : undefined;
    const file = typeof uri === 'string' ? this.deps.annotations.locate(vscode.Uri.parse(uri, true)) : undefined;
    if (typeof uri !== 'string' || !file || this.panel) {
      panel.dispose();
      return;
    }
    panel.webview.options = this.options();
    this.attach(panel);
    await this.target(vscode.Uri.parse(uri, true), file);
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.panelDisposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.enqueue(() => this.receive(m))),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.uri = undefined;
        this.file = undefined;
        for (const d of this.panelDisposables.splice(0)) d.dispose();
      }),
    );
  }

  private target(uri: vscode.Uri, file: WorkspaceFile): Promise<void> {
    this.uri = uri;
    this.file = file;
    this.predictions = [];
    this.status = 'predicting';
    this.message = `Predicting ${file.relativePath}…`;
    if (this.panel) {
      this.panel.title = `Predictions: ${uri.path.split('/').at(-1)}`;
      this.panel.webview.html = webviewHtml(this.panel.webview, this.deps.extensionUri, {
        app: 'predictions',
        title: 'PASTA predictions',
        // esbuild writes the app's CSS next to its script.
        style: ['dist', 'webview', 'predictions.css'],
        data: { uri: uri.toString() },
      });
    }
    return this.enqueueAndWait(() => this.predict());
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: webviewRoots(this.deps.extensionUri), enableFindWidget: true };
  }

  private enqueue(work: () => Promise<void>): void {
    void this.enqueueAndWait(work);
  }

  /** Messages, predictions and saves run one at a time, so a save never mixes two states of the file. */
  private enqueueAndWait(work: () => Promise<void>): Promise<void> {
    const guarded = () => work().catch((err: Error) => this.deps.log.error(`predictions panel: ${err.stack ?? err}`));
    const next = this.queue.then(guarded, guarded);
    this.queue = next;
    return next;
  }

  private async predict(): Promise<void> {
    const file = this.file;
    if (!file) return;
    this.status = 'predicting';
    this.sendState();
    try {
      this.text = await file.store.readText(file.relativePath);
      await this.reloadAnnotations(false);
      this.suggested = await languageModelSuggestions(file, this.text);
      const predicted = await predictTexts(this.deps.service, file.folder, [this.text]);
      if (file !== this.file) return;
      this.adapter = predicted.adapter;
      this.predictions = predicted.spans[0];
      if ((this.status as PredictionsStatus) !== 'stale') {
        this.status = 'ready';
        this.message = undefined;
      }
    } catch (err) {
      this.predictions = [];
      this.status =
        err instanceof RestrictedModeError ? 'restricted' : err instanceof NoAdapterError ? (this.suggested.spans.length ? 'ready' : 'no-adapter') : 'error';
      this.message = (err as Error).message;
      if (this.status === 'error') this.deps.log.error(`predicting ${file.relativePath}: ${(err as Error).stack ?? err}`);
    }
    this.sendState();
  }

  /** Predicts again once the saved text changed; says so while the editor holds unsaved changes. */
  private async follow(document: vscode.TextDocument): Promise<void> {
    if (this.file && (await this.file.store.readText(this.file.relativePath)) !== this.text) await this.predict();
    if (document.getText() === this.text) this.sendState();
    else this.post({ type: 'notice', message: `${this.file?.relativePath} has unsaved changes: the list is of the saved file; save it to predict again.` });
  }

  private async reloadAnnotations(send = true): Promise<void> {
    const file = this.file;
    if (!file) return;
    const state = await this.deps.annotations.load(file, this.text);
    this.annotated = state.status === 'fresh' ? state.spans : [];
    if (state.status === 'stale') {
      this.status = 'stale';
      this.message = `${file.relativePath}: ${state.problem}. Open the annotation editor to re-anchor its annotations before accepting predictions.`;
    } else if (this.status === 'stale') {
      this.status = 'ready';
      this.message = undefined;
    }
    if (send) this.sendState();
  }

  viewState(): PredictionsViewState | undefined {
    if (!this.file || !this.uri) return undefined;
    const rejected = this.deps.rejections.of(this.file.relativePath);
    return {
      file: this.file.relativePath,
      uri: this.uri.toString(),
      status: this.status,
      ...(this.message ? { message: this.message } : {}),
      ...(this.adapter ? { adapter: this.adapter } : {}),
      ...(this.suggested.summary ? { suggestedBy: this.suggested.summary } : {}),
      items: reviewItems(this.text, [...this.predictions, ...this.suggested.spans], this.annotated, rejected),
      labels: [],
      annotated: this.annotated.length,
      rejected: rejected.filter((r) => this.text.slice(r.start, r.end) === r.text).length,
    };
  }

  private sendState(): void {
    const state = this.viewState();
    if (!state || !this.file) return;
    void this.deps.annotations.labels(this.file.folder).then(
      (labels) => this.post({ type: 'state', state: { ...state, labels } }),
      () => this.post({ type: 'state', state }),
    );
  }

  private post(message: HostToWebview): void {
    void this.panel?.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (typeof message === 'string') {
      this.deps.log.warn(`predictions webview sent a message that was rejected: ${message}`);
      return;
    }
    try {
      await this.handle(message);
    } catch (err) {
      this.post({ type: 'error', message: (err as Error).message });
      this.sendState();
    }
  }

  private async handle(message: WebviewToHost): Promise<void> {
    const file = this.file;
    if (!file || !this.uri) return;
    switch (message.type) {
      case 'ready':
        return this.sendState();
      case 'refresh':
        return this.predict();
      case 'accept':
        return this.accept([findPending(this.pending(), message)], 'replace');
      case 'acceptAbove': {
        const chosen = this.pending().filter((p) => p.confidence >= message.threshold);
        if (chosen.length === 0) {
          this.post({ type: 'notice', message: `No prediction has a confidence of ${message.threshold} or more.` });
          return;
        }
        return this.accept(chosen, 'keepAnnotations');
      }
      case 'reject': {
        const span = findPending(this.pending(), message);
        await this.deps.rejections.add(file.relativePath, this.text, [span]);
        this.deps.onRejected();
        return this.sendState();
      }
      case 'reveal':
        return revealSpan(this.uri, message.start, message.end);
      case 'nextUncertain': {
        const next = await this.deps.nextUncertain(this.uri);
        if (!next) {
          this.post({ type: 'notice', message: 'Every other text file of the workspace is annotated, or none has predictions.' });
          return;
        }
        await vscode.window.showTextDocument(next, { viewColumn: vscode.ViewColumn.One, preview: false });
        const nextFile = this.deps.annotations.locate(next);
        if (nextFile) {
          this.uri = next;
          this.file = nextFile;
          if (this.panel) this.panel.title = `Predictions: ${next.path.split('/').at(-1)}`;
          this.predictions = [];
          await this.predict();
        }
        return;
      }
    }
  }

  private pending(): PredictedSpan[] {
    const shown = this.viewState()?.items ?? [];
    return [...this.predictions, ...this.suggested.spans].filter((p) => shown.some((i) => i.start === p.start && i.end === p.end && i.label === p.label));
  }

  private async accept(spans: readonly Span[], mode: AcceptMode): Promise<void> {
    const accepted = await acceptSpans(this.deps.annotations, this.file!, this.uri!, this.text, spans, mode);
    if (accepted === 'changed-on-disk') {
      await this.predict();
      throw new Error(`${this.file!.relativePath} changed on disk since it was predicted; its predictions were refreshed, review them again`);
    }
    this.annotated = accepted;
    this.sendState();
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
