// The extension's view of the annotation store: one store per workspace folder, labels with the user's
// colour overrides, and an event whenever a file's annotations change.
import * as vscode from 'vscode';
import { AnnotationStore, type AnnotationState } from '../core/data/annotationStore.js';
import type { LabelDefinition } from '../core/project/labels.js';
import { readProjectFile } from '../core/project/projectFile.js';
import type { Span } from '../core/data/types.js';
import { readSettings } from './settings.js';

export interface WorkspaceFile {
  folder: vscode.WorkspaceFolder;
  /** Workspace-relative, forward slashes. */
  relativePath: string;
  store: AnnotationStore;
}

export class AnnotationService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  /** Fires with the annotated file's URI, or undefined when labels or many files changed. */
  readonly onDidChange = this.changed.event;
  private readonly stores = new Map<string, AnnotationStore>();
  private readonly watcher: vscode.FileSystemWatcher;

  constructor() {
    this.watcher = vscode.workspace.createFileSystemWatcher('**/.pasta/**');
    const fire = () => this.changed.fire(undefined);
    this.watcher.onDidChange(fire);
    this.watcher.onDidCreate(fire);
    this.watcher.onDidDelete(fire);
  }

  /** The workspace folder and store of a file; undefined for files outside every workspace folder. */
  locate(uri: vscode.Uri): WorkspaceFile | undefined {
    if (uri.scheme !== 'file') return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return undefined;
    const relativePath = vscode.workspace.asRelativePath(uri, false).split('\\').join('/');
    if (relativePath.startsWith('.pasta/')) return undefined;
    return { folder, relativePath, store: this.storeFor(folder) };
  }

  storeFor(folder: vscode.WorkspaceFolder): AnnotationStore {
    let store = this.stores.get(folder.uri.fsPath);
    if (!store) {
      store = new AnnotationStore(folder.uri.fsPath);
      this.stores.set(folder.uri.fsPath, store);
    }
    return store;
  }

  async labels(folder: vscode.WorkspaceFolder): Promise<LabelDefinition[]> {
    const overrides = readSettings(folder).labelColors;
    return (await readProjectFile(folder.uri.fsPath)).project.labels.map((l) => ({ ...l, color: overrides[l.name]?.toLowerCase() ?? l.color }));
  }

  async load(file: WorkspaceFile, text: string): Promise<AnnotationState> {
    return file.store.load(file.relativePath, text);
  }

  async save(file: WorkspaceFile, uri: vscode.Uri, text: string, spans: readonly Span[]): Promise<void> {
    await file.store.save(file.relativePath, text, spans);
    this.changed.fire(uri);
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}
