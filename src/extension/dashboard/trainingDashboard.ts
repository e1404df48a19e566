// The training dashboard: one panel that follows the current run (or shows the last one), revived after a reload
// by a WebviewPanelSerializer from the webview's own state. Closing it never touches the training.
import * as vscode from 'vscode';
import type { TrainingRuns } from '../training/trainingRuns.js';
import { webviewHtml, webviewRoots } from '../webviewDocument.js';
import { type HostToWebview, isRunView, parseWebviewMessage, type RunView } from '../../protocol/dashboard.js';

export const DASHBOARD_VIEW_TYPE = 'pasta.dashboard';
/** Steps can come every few milliseconds; the webview redraws at most this often. */
const POST_INTERVAL_MS = 250;

export class TrainingDashboard implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelDisposables: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  /** The run the panel was revived with, shown when this window has no run of its own. */
  private revivedRun: RunView | undefined;
  private pending: NodeJS.Timeout | undefined;
  private lastPost = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly runs: TrainingRuns,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => this.revive(panel, state),
      }),
      runs.onDidChange((run) => this.schedulePost(run?.status !== 'running')),
    );
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  show(preserveFocus = true): void {
    if (this.panel) {
      this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      DASHBOARD_VIEW_TYPE,
      'PASTA Training',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
      { enableScripts: true, localResourceRoots: webviewRoots(this.extensionUri) },
    );
    this.attach(panel);
  }

  private revive(panel: vscode.WebviewPanel, state: unknown): void {
    const run = typeof state === 'object' && state !== null ? (state as { run?: unknown }).run : undefined;
    this.revivedRun = isRunView(run) ? interruptedIfRunning(run) : undefined;
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(this.extensionUri) };
    this.attach(panel);
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'pasta.svg');
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => panel.visible && this.post()),
      panel.onDidDispose(() => {
        for (const d of this.panelDisposables) d.dispose();
        this.panelDisposables = [];
        if (this.panel === panel) this.panel = undefined;
      }),
    ];
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, { app: 'dashboard', title: 'PASTA training', style: ['media', 'dashboard.css'] });
  }

  private receive(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (typeof message === 'string') {
      this.log.warn(`training dashboard sent a message that was rejected: ${message}`);
      return;
    }
    if (message.type === 'ready') this.post();
    else this.runs.running?.cancel();
  }

  /** The run to show: this window's current or last run, else the one the panel was revived with. */
  private shownRun(): RunView | null {
    const run = this.runs.current ?? this.revivedRun;
    if (!run) return null;
    return this.runs.running ? run : interruptedIfRunning(run);
  }

  private schedulePost(now: boolean): void {
    if (!this.panel) return;
    const wait = now ? 0 : Math.max(0, this.lastPost + POST_INTERVAL_MS - Date.now());
    if (this.pending && !now) return;
    clearTimeout(this.pending);
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.post();
    }, wait);
  }

  private post(): void {
    if (!this.panel) return;
    this.lastPost = Date.now();
    const message: HostToWebview = { type: 'run', run: this.shownRun() };
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    clearTimeout(this.pending);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** A run stored while it was running was interrupted by a reload or a closed window. */
function interruptedIfRunning(run: RunView): RunView {
  if (run.status !== 'running') return run;
  return {
    ...run,
    status: 'failed',
    message: 'interrupted: the window was reloaded or closed during training; train the same adapter again to resume from its last epoch',
  };
}
