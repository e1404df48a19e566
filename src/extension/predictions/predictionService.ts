// The model behind every prediction the extension shows: one WorkspacePredictor per workspace folder (the core
// caches one runtime per base model), the active adapter, and one prediction at a time so that highlighting and
// the review panel never compete for the CPU. Nothing is loaded in Restricted Mode.
import * as vscode from 'vscode';
import { listAdapters } from '../../core/adapter/index.js';
import type { PredictedSpan } from '../../core/prediction/predictor.js';
import { readProjectFile } from '../../core/project/projectFile.js';
import { WorkspacePredictor } from '../../core/prediction/workspacePrediction.js';
import type { Precision } from '../../core/graph/kernels.js';
import { readSettings } from '../settings.js';
import type { PastaStatusBar } from '../statusBar.js';

export class RestrictedModeError extends Error {
  constructor() {
    super('Restricted Mode: no model or adapter is loaded until you trust this workspace');
  }
}

export class NoAdapterError extends Error {
  constructor(folder: string) {
    super(`${folder} has no entity adapter yet: run PASTA: Train Adapter, then PASTA: Select Active Adapter`);
  }
}

export interface FolderPredictions {
  adapter: string;
  /** Spans per text, offsets into that text. */
  spans: PredictedSpan[][];
  /** The precision the base ran in (int8 only on the CPU). */
  precision: Precision;
}

export class PredictionService implements vscode.Disposable {
  private readonly predictors = new Map<string, WorkspacePredictor>();
  /** Set when adapters or settings changed: the cached predictors are released before the next prediction. */
  private outdated = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly modelChanged = new vscode.EventEmitter<void>();
  /** Fires when the active adapter, the adapters on disk, the device settings or the trust changed. */
  readonly onDidChangeModel = this.modelChanged.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly statusBar: PastaStatusBar,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/.pasta/adapters/**');
    const changed = () => this.invalidate();
    this.disposables.push(
      watcher,
      watcher.onDidChange(changed),
      watcher.onDidCreate(changed),
      watcher.onDidDelete(changed),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (['pasta.device', 'pasta.threads', 'pasta.highlightPrecision'].some((k) => e.affectsConfiguration(k))) this.invalidate();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.modelChanged.fire()),
      this.modelChanged,
    );
  }

  /** The person chose another adapter: what is shown is predicted again (the loaded models stay). */
  activeAdapterChanged(): void {
    this.modelChanged.fire();
  }

  invalidate(): void {
    this.outdated = true;
    this.modelChanged.fire();
  }

  /**
   * The active adapter: project.json's activeAdapter (which "PASTA: Select Active Adapter" and
   * `pasta adapters use` both write), else the one last used in this window, else the only entity adapter.
   */
  async activeAdapter(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
    if (!vscode.workspace.isTrusted) return undefined;
    const { adapters } = await listAdapters(folder.uri.fsPath);
    const entityAdapters = adapters.filter((a) => a.task === 'TOKEN_CLS').map((a) => a.name);
    const fromProject = (await readProjectFile(folder.uri.fsPath)).project.activeAdapter;
    if (fromProject && entityAdapters.includes(fromProject)) return fromProject;
    const lastUsed = this.statusBar.activeAdapter;
    if (lastUsed && entityAdapters.includes(lastUsed)) return lastUsed;
    return entityAdapters.length === 1 ? entityAdapters[0] : undefined;
  }

  /** Predicts entities in `texts` with the folder's active adapter; one prediction runs at a time. */
  predict(folder: vscode.WorkspaceFolder, texts: string[]): Promise<FolderPredictions> {
    const run = async (): Promise<FolderPredictions> => {
      if (!vscode.workspace.isTrusted) throw new RestrictedModeError();
      const adapter = await this.activeAdapter(folder);
      if (!adapter) throw new NoAdapterError(folder.name);
      if (this.outdated) await this.releaseAll();
      const predictor = this.predictorFor(folder);
      const t0 = Date.now();
      const spans =
        texts.length === 0
          ? []
          : await predictor.predict(
              texts,
              texts.map(() => adapter),
            );
      this.log.debug(`predicted ${texts.length} text(s) of ${folder.name} with ${adapter} in ${Date.now() - t0} ms`);
      if (predictor.device) this.statusBar.setResolvedDevice(predictor.device);
      // The status bar names the adapter in use, also when it was found rather than chosen.
      if (this.statusBar.activeAdapter !== adapter) await this.statusBar.setActiveAdapter(adapter);
      return { adapter, spans, precision: predictor.precision?.used ?? predictor.options.precision ?? 'fp32' };
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private predictorFor(folder: vscode.WorkspaceFolder): WorkspacePredictor {
    let predictor = this.predictors.get(folder.uri.fsPath);
    if (!predictor) {
      const settings = readSettings(folder);
      predictor = new WorkspacePredictor(folder.uri.fsPath, {
        device: settings.device,
        threads: settings.threads || undefined,
        precision: settings.highlightPrecision,
      });
      this.predictors.set(folder.uri.fsPath, predictor);
    }
    return predictor;
  }

  private async releaseAll(): Promise<void> {
    this.outdated = false;
    const all = [...this.predictors.values()];
    this.predictors.clear();
    for (const p of all) await p.dispose().catch((err: Error) => this.log.warn(`releasing a predictor: ${err.message}`));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    void this.releaseAll();
  }
}
