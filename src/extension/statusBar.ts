// The status-bar item: the active adapter and the device training and prediction will use.
import * as vscode from 'vscode';
import { readSettings } from './settings.js';

export const ACTIVE_ADAPTER_KEY = 'pasta.activeAdapter';

export class PastaStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('pasta.status', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [];
  /** The device the engine reported it actually uses, once it has run. */
  private resolvedDevice: string | undefined;
  /** What model highlighting shows now ("12 predicted", "no adapter"), when it is on. */
  private predictionSummary: string | undefined;

  constructor(private readonly state: vscode.Memento) {
    this.item.name = 'PASTA adapter';
    this.item.command = 'pasta.selectActiveAdapter';
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('pasta.device') && this.update()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.update()),
    );
    this.update();
    this.item.show();
  }

  get activeAdapter(): string | undefined {
    return this.state.get<string>(ACTIVE_ADAPTER_KEY);
  }

  async setActiveAdapter(name: string | undefined): Promise<void> {
    await this.state.update(ACTIVE_ADAPTER_KEY, name);
    this.update();
  }

  setResolvedDevice(device: string | undefined): void {
    this.resolvedDevice = device;
    this.update();
  }

  setPredictionSummary(summary: string | undefined): void {
    this.predictionSummary = summary;
    this.update();
  }

  update(): void {
    const adapter = this.activeAdapter ?? 'no adapter';
    const device = this.resolvedDevice ?? readSettings().device;
    const restricted = vscode.workspace.isTrusted ? '' : ' $(shield) restricted';
    const predictions = this.predictionSummary && vscode.workspace.isTrusted ? ` · $(sparkle) ${this.predictionSummary}` : '';
    this.item.text = `$(symbol-field) PASTA: ${adapter} · ${device}${predictions}${restricted}`;
    this.item.tooltip = vscode.workspace.isTrusted
      ? `Active PASTA adapter: ${adapter}\nDevice: ${device}\nClick to choose the active adapter.`
      : 'PASTA: Restricted Mode. Adapters and models are not loaded and training is disabled until you trust this workspace.';
  }

  dispose(): void {
    this.item.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
