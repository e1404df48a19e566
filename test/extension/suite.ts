// Extension-host suite: runs inside the real VS Code extension host. Follows @vscode/test-electron's contract
// (a module exporting run(), loaded as extensionTestsPath), so it runs under desktop VS Code as well as in
// code-server (test/e2e/extensionHost.test.ts). The workspace must contain notes.txt (workspaceFixture.ts).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PastaApi } from '../../src/extension/extension.js';
import { NOTES_TEXT } from './workspaceFixture.js';

const EXTENSION_ID = 'pasta-studio.pasta-studio';

type Check = [name: string, body: () => Promise<void>];

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder');
  return folder.uri.fsPath;
}

async function selectInNotes(start: number, end: number): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(workspaceRoot(), 'notes.txt')));
  const editor = await vscode.window.showTextDocument(doc);
  editor.selection = new vscode.Selection(doc.positionAt(start), doc.positionAt(end));
  return editor;
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const sidecar = () => join(workspaceRoot(), '.pasta', 'annotations', 'notes.txt.json');

const checks: Check[] = [
  ['the extension activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    await ext.activate();
    assert.ok(ext.isActive);
  }],
  ['every contributed command is registered', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length >= 9);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
  }],
  ['labelling a selection through the command writes the sidecar, snapped to whole words', async () => {
    const at = NOTES_TEXT.indexOf('Seattle');
    await selectInNotes(at + 1, at + 5); // "eatt"
    const span = await vscode.commands.executeCommand('pasta.labelSelection', 'location');
    assert.deepEqual(span, { start: at, end: at + 'Seattle'.length, label: 'location' });
    const json = JSON.parse(readFileSync(sidecar(), 'utf8'));
    assert.equal(json.file, 'notes.txt');
    assert.deepEqual(json.spans, [{ start: at, end: at + 7, label: 'location', text: 'Seattle' }]);
  }],
  ['a second label keeps the spans sorted', async () => {
    await selectInNotes(0, 'Grace Hopper'.length);
    await vscode.commands.executeCommand('pasta.labelSelection', 'person');
    const json = JSON.parse(readFileSync(sidecar(), 'utf8'));
    assert.deepEqual(json.spans.map((s: { text: string }) => s.text), ['Grace Hopper', 'Seattle']);
  }],
  ['an unknown label is refused and nothing is written', async () => {
    const before = readFileSync(sidecar(), 'utf8');
    await selectInNotes(NOTES_TEXT.indexOf('1985'), NOTES_TEXT.indexOf('1985') + 4);
    const span = await vscode.commands.executeCommand('pasta.labelSelection', 'not-a-label');
    assert.equal(span, undefined);
    assert.equal(readFileSync(sidecar(), 'utf8'), before);
  }],
  ['removing the entity at the cursor updates the sidecar', async () => {
    const at = NOTES_TEXT.indexOf('Seattle') + 2;
    await selectInNotes(at, at);
    assert.equal(await vscode.commands.executeCommand('pasta.removeEntity'), 1);
    const json = JSON.parse(readFileSync(sidecar(), 'utf8'));
    assert.deepEqual(json.spans.map((s: { text: string }) => s.text), ['Grace Hopper']);
    await selectInNotes(1, 1);
    assert.equal(await vscode.commands.executeCommand('pasta.removeEntity'), 1);
    assert.ok(!existsSync(sidecar()), 'no spans left: the sidecar is removed');
  }],
  ['labelling a file changed since it was annotated is refused and the sidecar is left alone', async () => {
    await selectInNotes(0, 5);
    await vscode.commands.executeCommand('pasta.labelSelection', 'person');
    const before = readFileSync(sidecar(), 'utf8');
    const notes = join(workspaceRoot(), 'notes.txt');
    writeFileSync(notes, `Yesterday ${NOTES_TEXT}`);
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(notes));
      await waitUntil(() => doc.getText().startsWith('Yesterday'), 'the editor to see the change on disk');
      const at = doc.getText().indexOf('Seattle');
      await selectInNotes(at, at + 7);
      assert.equal(await vscode.commands.executeCommand('pasta.labelSelection', 'location'), undefined);
      assert.equal(readFileSync(sidecar(), 'utf8'), before);
    } finally {
      writeFileSync(notes, NOTES_TEXT);
      rmSync(sidecar());
    }
  }],
  ['the annotation editor opens as a webview panel', async () => {
    await selectInNotes(0, 0);
    assert.equal(await vscode.commands.executeCommand('pasta.annotateCurrentFile'), true);
    // The tabs API learns about the new panel asynchronously.
    let tabs: vscode.Tab[] = [];
    for (let i = 0; i < 50; i++) {
      tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
      if (tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('pasta.annotate'))) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`no annotation panel among ${tabs.map((t) => `${t.label} (${(t.input as { viewType?: string })?.viewType})`).join(', ')}`);
  }],
  ['adapters under .pasta/adapters are listed and can be made active', async () => {
    const dir = join(workspaceRoot(), '.pasta', 'adapters', 'news-ner');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'adapter_config.json'), JSON.stringify({ peft_type: 'PASTA', task_type: 'TOKEN_CLS', base_model_name_or_path: 'all-MiniLM-L6-v2' }));
    try {
      const api = vscode.extensions.getExtension<PastaApi>(EXTENSION_ID)!.exports;
      const tree = api.context.tree;
      const [adaptersGroup] = await tree.getChildren();
      const names = (await tree.getChildren(adaptersGroup)).map((n) => tree.getTreeItem(n).label);
      assert.deepEqual(names, ['news-ner']);
      assert.equal(await vscode.commands.executeCommand('pasta.selectActiveAdapter', 'news-ner'), 'news-ner');
      assert.equal(api.context.statusBar.activeAdapter, 'news-ner');
    } finally {
      rmSync(join(workspaceRoot(), '.pasta', 'adapters'), { recursive: true, force: true });
    }
  }],
  ['commands that need the training engine say so instead of failing', async () => {
    assert.equal(vscode.workspace.isTrusted, true);
    assert.equal(await vscode.commands.executeCommand('pasta.trainAdapter'), false);
  }],
];

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, body] of checks) {
    try {
      await body();
      console.log(`ok - ${name}`);
    } catch (err) {
      failures.push(name);
      console.log(`not ok - ${name}\n  ${(err as Error).stack ?? err}`);
    }
  }
  console.log(`# pass ${checks.length - failures.length}\n# fail ${failures.length}`);
  if (failures.length > 0) throw new Error(`${failures.length} extension-host check(s) failed: ${failures.join('; ')}`);
}
