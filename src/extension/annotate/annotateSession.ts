// The host side of one annotation panel: the file's text and spans, undo/redo, and saving through the store.
import * as vscode from 'vscode';
import type { Span } from '../../core/data/types.js';
import type { AnnotationService, WorkspaceFile } from '../annotationService.js';
import { type AnnotateViewState, type HostToWebview, type LabelInfo, parseWebviewMessage, type WebviewToHost } from '../../protocol/annotate.js';
import { sameSpans, withSpan, withoutSpansAt } from './spanEdits.js';
import { snapToWords } from '../../core/data/wordSnap.js';

const MAX_HISTORY = 200;

export class AnnotateSession implements vscode.Disposable {
  private text = '';
  private spans: Span[] = [];
  private labels: LabelInfo[] = [];
  private undoStack: Span[][] = [];
  private redoStack: Span[][] = [];
  private stale: { problem: string; reanchored: Span[]; lost: number } | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly uri: vscode.Uri,
    private readonly file: WorkspaceFile,
    private readonly annotations: AnnotationService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.enqueue(() => this.receive(m))),
      annotations.onDidChange((changed) => {
        // Changes made elsewhere (the editor command, git) are picked up; our own saves are already shown.
        if (!changed || changed.toString() === uri.toString()) this.enqueue(() => this.reloadIfChangedOnDisk());
      }),
    );
  }

  /** Edits and reloads run one at a time, so a reload never reads the sidecar between an edit and its save. */
  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work, work);
  }

  async load(): Promise<void> {
    this.text = await this.file.store.readText(this.file.relativePath);
    this.labels = await this.annotations.labels(this.file.folder);
    const state = await this.annotations.load(this.file, this.text);
    if (state.status === 'stale') {
      this.spans = [];
      this.stale = { problem: state.problem, reanchored: state.reanchor.spans, lost: state.reanchor.lost.length };
    } else {
      this.spans = state.status === 'fresh' ? state.spans : [];
      this.stale = undefined;
    }
  }

  private async reloadIfChangedOnDisk(): Promise<void> {
    const before = { text: this.text, spans: this.spans, labels: JSON.stringify(this.labels) };
    try {
      await this.load();
    } catch (err) {
      void this.post({ type: 'error', message: (err as Error).message });
      return;
    }
    if (before.text !== this.text) {
      this.undoStack = [];
      this.redoStack = [];
    }
    if (before.text !== this.text || !sameSpans(before.spans, this.spans) || before.labels !== JSON.stringify(this.labels)) this.sendState();
  }

  viewState(): AnnotateViewState {
    return {
      file: this.file.relativePath,
      text: this.text,
      spans: this.spans,
      labels: this.labels,
      canUndo: this.undoStack.length > 0,
      canRedo: this.redoStack.length > 0,
      ...(this.stale ? { stale: { problem: this.stale.problem, reanchorable: this.stale.reanchored.length, lost: this.stale.lost } } : {}),
    };
  }

  sendState(): void {
    void this.post({ type: 'state', state: this.viewState() });
  }

  private post(message: HostToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (typeof message === 'string') {
      this.log.warn(`annotation webview sent a message that was rejected: ${message}`);
      return;
    }
    try {
      await this.handle(message);
    } catch (err) {
      this.log.error(`annotation panel ${this.file.relativePath}: ${(err as Error).stack ?? err}`);
      await this.post({ type: 'error', message: (err as Error).message });
      this.sendState();
    }
  }

  private async handle(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.sendState();
      case 'label': {
        if (this.stale) return this.refuseWhileStale();
        if (!this.labels.some((l) => l.name === message.label)) throw new Error(`unknown label "${message.label}"`);
        const snapped = snapToWords(this.text, message.start, message.end);
        if (!snapped) throw new Error('select a word or phrase to label');
        return this.commit(withSpan(this.spans, { ...snapped, label: message.label }));
      }
      case 'remove':
        if (this.stale) return this.refuseWhileStale();
        return this.commit(withoutSpansAt(this.spans, Math.min(message.start, this.text.length), Math.min(message.end, this.text.length)));
      case 'undo': {
        const previous = this.undoStack.pop();
        if (!previous) return this.sendState();
        this.redoStack.push(this.spans);
        return this.persist(previous);
      }
      case 'redo': {
        const next = this.redoStack.pop();
        if (!next) return this.sendState();
        this.undoStack.push(this.spans);
        return this.persist(next);
      }
      case 'reanchor': {
        if (!this.stale) return this.sendState();
        const { reanchored, lost } = this.stale;
        this.stale = undefined;
        this.undoStack = [];
        this.redoStack = [];
        await this.persist(reanchored);
        if (lost > 0) void vscode.window.showWarningMessage(`PASTA: ${lost} span(s) of ${this.file.relativePath} could not be re-anchored and were dropped.`);
        return;
      }
    }
  }

  private refuseWhileStale(): Promise<void> {
    throw new Error(`${this.file.relativePath}: ${this.stale?.problem}; re-anchor first`);
  }

  private async commit(spans: Span[]): Promise<void> {
    if (sameSpans(spans, this.spans)) return this.sendState();
    this.undoStack.push(this.spans);
    if (this.undoStack.length > MAX_HISTORY) this.undoStack.shift();
    this.redoStack = [];
    await this.persist(spans);
  }

  private async persist(spans: Span[]): Promise<void> {
    this.spans = spans;
    await this.annotations.save(this.file, this.uri, this.text, spans);
    this.sendState();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
