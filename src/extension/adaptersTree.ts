// The PASTA view: the workspace's adapters (.pasta/adapters/*/adapter_config.json) and its annotated files.
import * as vscode from 'vscode';
import type { AnnotationService } from './annotationService.js';

type Node =
  | { kind: 'group'; id: 'adapters' | 'annotated' }
  | { kind: 'adapter'; name: string; folder: vscode.WorkspaceFolder; config: vscode.Uri; detail: string }
  | { kind: 'file'; folder: vscode.WorkspaceFolder; relativePath: string }
  | { kind: 'message'; text: string };

export interface AdapterEntry {
  name: string;
  folder: vscode.WorkspaceFolder;
  config: vscode.Uri;
  /** task_type and base model, or why the config could not be read. */
  detail: string;
}

/** Adapters of every workspace folder; a broken adapter_config.json is listed with the reason. */
export async function findAdapters(): Promise<AdapterEntry[]> {
  const out: AdapterEntry[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const configs = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '.pasta/adapters/*/adapter_config.json'), null, 1000);
    for (const config of configs.sort((a, b) => (a.path < b.path ? -1 : 1))) {
      const name = config.path.split('/').at(-2) ?? '?';
      let detail: string;
      try {
        const json = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(config))) as Record<string, unknown>;
        detail = [json.task_type, json.base_model_name_or_path].filter((v) => typeof v === 'string').join(' · ');
      } catch (err) {
        detail = `unreadable adapter_config.json: ${(err as Error).message.split('\n')[0]}`;
      }
      out.push({ name, folder, config, detail });
    }
  }
  return out;
}

export class AdaptersTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly annotations: AnnotationService) {
    this.subscription = annotations.onDidChange(() => this.refresh());
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node)
      return [
        { kind: 'group', id: 'adapters' },
        { kind: 'group', id: 'annotated' },
      ];
    if (node.kind !== 'group') return [];
    if (node.id === 'adapters') {
      const adapters = await findAdapters();
      if (adapters.length === 0) return [{ kind: 'message', text: 'No adapters yet: run PASTA: Train Adapter' }];
      return adapters.map((a) => ({ kind: 'adapter', ...a }));
    }
    const files: Node[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      for (const relativePath of await this.annotations.storeFor(folder).annotatedFiles()) files.push({ kind: 'file', folder, relativePath });
    }
    return files.length > 0 ? files : [{ kind: 'message', text: 'No annotated files yet: run PASTA: Annotate Current File' }];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(node.id === 'adapters' ? 'Adapters' : 'Annotated files', vscode.TreeItemCollapsibleState.Expanded);
        item.contextValue = `pasta.${node.id}`;
        return item;
      }
      case 'adapter': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
        item.description = node.detail;
        item.iconPath = new vscode.ThemeIcon('symbol-field');
        item.contextValue = 'pasta.adapter';
        item.command = { command: 'vscode.open', title: 'Open adapter config', arguments: [node.config] };
        return item;
      }
      case 'file': {
        const uri = vscode.Uri.joinPath(node.folder.uri, ...node.relativePath.split('/'));
        const item = new vscode.TreeItem(uri, vscode.TreeItemCollapsibleState.None);
        item.label = node.relativePath;
        item.contextValue = 'pasta.annotatedFile';
        item.command = { command: 'vscode.open', title: 'Open file', arguments: [uri] };
        return item;
      }
      case 'message':
        return new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
