// Everything that shows model predictions, built once at activation: the prediction service, inline
// highlighting, the review panel and the active-learning order. Commands reach it through predictionsOf(ctx).
import * as vscode from 'vscode';
import type { PastaContext } from '../commands/context.js';
import { ModelHighlighting } from '../modelHighlighting.js';
import { PredictionsPanel } from './predictionsPanel.js';
import { predictTexts } from './predictTexts.js';
import { PredictionService } from './predictionService.js';
import { Rejections } from './rejections.js';
import { compareUncertainty, rankByUncertainty, type RankedDocument } from './uncertainty.js';

/** Text files considered for "next most uncertain document". */
const CANDIDATE_GLOB = '**/*.{txt,md}';
const CANDIDATE_EXCLUDE = '{**/node_modules/**,**/.git/**,**/.pasta/**}';
const MAX_CANDIDATES = 200;
/** Files predicted per batch between cancellation checks. */
const FILES_PER_BATCH = 8;

const features = new WeakMap<PastaContext, PredictionsFeature>();

export function predictionsOf(ctx: PastaContext): PredictionsFeature {
  const feature = features.get(ctx);
  if (!feature) throw new Error('the predictions feature is not initialised (activate() builds it)');
  return feature;
}

export class PredictionsFeature implements vscode.Disposable {
  readonly service: PredictionService;
  readonly rejections: Rejections;
  readonly highlighting: ModelHighlighting;
  readonly panel: PredictionsPanel;

  constructor(private readonly ctx: PastaContext) {
    const { extension, annotations, statusBar, log } = ctx;
    this.service = new PredictionService(statusBar, log);
    this.rejections = new Rejections(extension.workspaceState);
    this.highlighting = new ModelHighlighting(this.service, annotations, this.rejections, statusBar, extension.workspaceState, log);
    this.panel = new PredictionsPanel({
      extensionUri: extension.extensionUri,
      service: this.service,
      annotations,
      rejections: this.rejections,
      log,
      nextUncertain: async (current) => (await this.rankUnannotated(current))[0]?.uri,
      onRejected: () => void this.highlighting.refresh(),
    });
    features.set(ctx, this);
  }

  /**
   * Workspace text files without current annotations (no sidecar, or one the file has outgrown), least certain
   * first: ranked by the mean confidence of their predicted spans (see uncertainty.ts).
   */
  async rankUnannotated(exclude?: vscode.Uri): Promise<(RankedDocument & { uri: vscode.Uri })[]> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'PASTA: predicting the unannotated files', cancellable: true },
      async (progress, token) => {
        const ranked: (RankedDocument & { uri: vscode.Uri })[] = [];
        for (const folder of vscode.workspace.workspaceFolders ?? []) {
          const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, CANDIDATE_GLOB), CANDIDATE_EXCLUDE, MAX_CANDIDATES, token);
          const candidates: { uri: vscode.Uri; file: string; text: string }[] = [];
          for (const uri of uris) {
            if (exclude && uri.toString() === exclude.toString()) continue;
            const file = this.ctx.annotations.locate(uri);
            if (!file) continue;
            try {
              const text = await file.store.readText(file.relativePath);
              if ((await this.ctx.annotations.load(file, text)).status === 'fresh') continue;
              candidates.push({ uri, file: file.relativePath, text });
            } catch (err) {
              this.ctx.log.warn(`next uncertain document: skipping ${file.relativePath}: ${(err as Error).message}`);
            }
          }
          const predicted: { uri: vscode.Uri; file: string; spans: { confidence: number }[] }[] = [];
          for (let i = 0; i < candidates.length && !token.isCancellationRequested; i += FILES_PER_BATCH) {
            progress.report({ message: `${i} of ${candidates.length} files`, increment: (100 * FILES_PER_BATCH) / Math.max(candidates.length, 1) });
            const batch = candidates.slice(i, i + FILES_PER_BATCH);
            const { spans } = await predictTexts(
              this.service,
              folder,
              batch.map((c) => c.text),
            );
            batch.forEach((c, k) => predicted.push({ uri: c.uri, file: c.file, spans: spans[k] }));
          }
          const byFile = new Map(predicted.map((p) => [p.file, p.uri]));
          ranked.push(...rankByUncertainty(predicted).map((r) => ({ ...r, uri: byFile.get(r.file)! })));
        }
        return ranked.sort(compareUncertainty);
      },
    );
  }

  dispose(): void {
    this.panel.dispose();
    this.highlighting.dispose();
    this.service.dispose();
    features.delete(this.ctx);
  }
}
