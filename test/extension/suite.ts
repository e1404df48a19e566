// Extension-host suite: runs inside the real VS Code extension host. Follows @vscode/test-electron's contract
// (a module exporting run(), loaded as extensionTestsPath), so it runs under desktop VS Code as well as in
// code-server (test/e2e/extensionHost.test.ts). The workspace must contain notes.txt (workspaceFixture.ts).
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExportedModel } from '../../src/core/export/exportModel.js';
import type { TrainCommandResult } from '../../src/extension/commands/trainAdapter.js';
import type { PastaApi } from '../../src/extension/extension.js';
import { parseWorkerToHost } from '../../src/protocol/trainingWorker.js';
import type { CudaInstallResult } from '../../src/core/engine/cuda/cudaInstall.js';
import { cudaProviderPackage } from '../../src/core/engine/cuda/providerPackage.js';
import { buildProviderNupkg, FakeNuget } from '../helpers/fakeNuget.js';
import { writeTinyModel } from '../helpers/tinyModel.js';
import { saveRandomAdapter } from '../unit/export/exportFixture.js';
import { AnnotationStore } from '../../src/core/data/annotationStore.js';
import type { FileOutcome } from '../../src/core/preannotate/preannotateFiles.js';
import { readProjectFile } from '../../src/core/project/projectFile.js';
import { startLoopbackChat } from '../unit/preannotate/loopbackChat.js';
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

async function waitUntil(condition: () => boolean, what: string | (() => string), timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sidecar = () => join(workspaceRoot(), '.pasta', 'annotations', 'notes.txt.json');

export const checks: Check[] = [
  [
    'the extension activates',
    async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is not installed`);
      await ext.activate();
      assert.ok(ext.isActive);
    },
  ],
  [
    'every contributed command is registered',
    async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
      const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
      assert.ok(contributed.length >= 9);
      const registered = new Set(await vscode.commands.getCommands(true));
      assert.deepEqual(
        contributed.filter((c) => !registered.has(c)),
        [],
      );
    },
  ],
  [
    'labelling a selection through the command writes the sidecar, snapped to whole words',
    async () => {
      const at = NOTES_TEXT.indexOf('Seattle');
      await selectInNotes(at + 1, at + 5); // "eatt"
      const span = await vscode.commands.executeCommand('pasta.labelSelection', 'location');
      assert.deepEqual(span, { start: at, end: at + 'Seattle'.length, label: 'location' });
      const json = JSON.parse(readFileSync(sidecar(), 'utf8'));
      assert.equal(json.file, 'notes.txt');
      assert.deepEqual(json.spans, [{ start: at, end: at + 7, label: 'location', text: 'Seattle' }]);
    },
  ],
  [
    'a second label keeps the spans sorted',
    async () => {
      await selectInNotes(0, 'Grace Hopper'.length);
      await vscode.commands.executeCommand('pasta.labelSelection', 'person');
      const json = JSON.parse(readFileSync(sidecar(), 'utf8'));
      assert.deepEqual(
        json.spans.map((s: { text: string }) => s.text),
        ['Grace Hopper', 'Seattle'],
      );
    },
  ],
  [
    'an unknown label is refused and nothing is written',
    async () => {
      const before = readFileSync(sidecar(), 'utf8');
      await selectInNotes(NOTES_TEXT.indexOf('1985'), NOTES_TEXT.indexOf('1985') + 4);
      const span = await vscode.commands.executeCommand('pasta.labelSelection', 'not-a-label');
      assert.equal(span, undefined);
      assert.equal(readFileSync(sidecar(), 'utf8'), before);
    },
  ],
  [
    'removing the entity at the cursor updates the sidecar',
    async () => {
      const at = NOTES_TEXT.indexOf('Seattle') + 2;
      await selectInNotes(at, at);
      assert.equal(await vscode.commands.executeCommand('pasta.removeEntity'), 1);
      const json = JSON.parse(readFileSync(sidecar(), 'utf8'));
      assert.deepEqual(
        json.spans.map((s: { text: string }) => s.text),
        ['Grace Hopper'],
      );
      await selectInNotes(1, 1);
      assert.equal(await vscode.commands.executeCommand('pasta.removeEntity'), 1);
      assert.ok(!existsSync(sidecar()), 'no spans left: the sidecar is removed');
    },
  ],
  [
    'labelling a file changed since it was annotated is refused and the sidecar is left alone',
    async () => {
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
    },
  ],
  [
    'the annotation editor opens as a webview panel',
    async () => {
      await selectInNotes(0, 0);
      assert.equal(await vscode.commands.executeCommand('pasta.annotateCurrentFile'), true);
      // The tabs API learns about the new panel asynchronously.
      const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
      await waitUntil(
        () => tabs().some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('pasta.annotate')),
        () =>
          `an annotation panel among the tabs (${tabs()
            .map((t) => `${t.label} (${(t.input as { viewType?: string })?.viewType})`)
            .join(', ')})`,
      );
    },
  ],
  [
    'adapters under .pasta/adapters are listed and can be made active',
    async () => {
      const dir = join(workspaceRoot(), '.pasta', 'adapters', 'news-ner');
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'adapter_config.json'),
        JSON.stringify({ peft_type: 'PASTA', task_type: 'TOKEN_CLS', base_model_name_or_path: 'all-MiniLM-L6-v2' }),
      );
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
    },
  ],
  [
    'importing a CoNLL file writes the dataset JSONL and adds it to dataSources, leaving the input alone',
    async () => {
      const root = workspaceRoot();
      const input = join(root, 'imports', 'wnut-sample.conll');
      const conll = 'Tim\tB-person\nCook\tI-person\nvisited\tO\nBerlin\tB-location\n\nNothing\tO\nhere\tO\n';
      mkdirSync(join(root, 'imports'), { recursive: true });
      writeFileSync(input, conll);
      mkdirSync(join(root, '.pasta'), { recursive: true });
      writeFileSync(join(root, '.pasta', 'project.json'), JSON.stringify({ dataSources: ['.pasta/annotations'] }));
      try {
        const result = (await vscode.commands.executeCommand('pasta.importAnnotations', vscode.Uri.file(input), { name: 'wnut-sample' })) as
          { relativeTarget: string; documents: number } | undefined;
        assert.equal(result?.relativeTarget, '.pasta/datasets/wnut-sample.jsonl');
        const records = readFileSync(join(root, '.pasta', 'datasets', 'wnut-sample.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        assert.deepEqual(records, [
          {
            text: 'Tim Cook visited Berlin',
            spans: [
              { start: 0, end: 8, label: 'person' },
              { start: 17, end: 23, label: 'location' },
            ],
          },
          { text: 'Nothing here', spans: [] },
        ]);
        assert.deepEqual(JSON.parse(readFileSync(join(root, '.pasta', 'project.json'), 'utf8')).dataSources, [
          '.pasta/annotations',
          '.pasta/datasets/wnut-sample.jsonl',
        ]);
        assert.equal(readFileSync(input, 'utf8'), conll);
      } finally {
        rmSync(join(root, 'imports'), { recursive: true, force: true });
        rmSync(join(root, '.pasta', 'datasets'), { recursive: true, force: true });
        rmSync(join(root, '.pasta', 'project.json'), { force: true });
      }
    },
  ],
  [
    'exporting the annotations writes CoNLL IOB2',
    async () => {
      await selectInNotes(0, 'Grace Hopper'.length);
      await vscode.commands.executeCommand('pasta.labelSelection', 'person');
      const out = join(workspaceRoot(), 'exported.conll');
      try {
        const result = await vscode.commands.executeCommand('pasta.exportAnnotations', vscode.Uri.file(out), 'conll-iob2');
        assert.deepEqual(result, { file: out, files: 1, entities: 1 });
        assert.equal(readFileSync(out, 'utf8'), 'Grace\tB-person\nHopper\tI-person\nvisited\tO\nSeattle\tO\nin\tO\n1985.\tO\n\n');
      } finally {
        rmSync(out, { force: true });
        rmSync(sidecar(), { force: true });
      }
    },
  ],
  [
    'model highlighting turns on and off; without an adapter nothing is predicted',
    async () => {
      assert.equal(await vscode.commands.executeCommand('pasta.toggleHighlighting', true), true);
      assert.equal(await vscode.commands.executeCommand('pasta.toggleHighlighting'), false);
    },
  ],
  [
    'the training worker rejects an invalid message and keeps waiting for a valid one',
    async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
      const child = fork(join(ext.extensionPath, 'dist', 'trainingWorker.js'), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
      try {
        const reply = new Promise<unknown>((resolve) => child.once('message', resolve));
        child.send({ type: 'start', request: { workspaceRoot: workspaceRoot(), adapterName: 'x', overrides: { device: 'tpu' }, resume: false } });
        const message = await reply;
        assert.deepEqual(parseWorkerToHost(message), {
          type: 'error',
          kind: 'protocol',
          message: 'rejected a message: start: overrides.device must be one of auto, cpu, webgpu, cuda, dml, coreml',
        });
        assert.equal(child.exitCode, null);
        const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
        child.send({ type: 'cancel' });
        assert.equal(await exited, 0);
      } finally {
        child.kill('SIGKILL');
      }
    },
  ],
  [
    'the host rejects a forged message from the worker',
    async () => {
      assert.match(parseWorkerToHost({ type: 'event', event: { type: 'step', loss: 'low' } }) as string, /malformed step event/);
      assert.match(parseWorkerToHost({ type: 'run', command: 'rm' }) as string, /unknown message type/);
    },
  ],
  [
    "Train Adapter reports the worker's error in one line and writes no adapter",
    async () => {
      const root = workspaceRoot();
      try {
        const result = (await vscode.commands.executeCommand('pasta.trainAdapter', {
          task: 'token',
          baseModel: 'no-such-model',
          adapterName: 'suite-ner',
        })) as TrainCommandResult;
        assert.equal(result.status, 'failed');
        // notes.txt has no annotations: the worker reads the data first and says so, naming the folder.
        assert.match(result.message ?? '', /\.pasta: the dataset is empty/);
        assert.doesNotMatch(result.message ?? '', /\n/);
        assert.ok(!existsSync(join(root, '.pasta', 'adapters', 'suite-ner')));
        // The choice of base model went into the project, where the CLI reads it too.
        assert.equal(JSON.parse(readFileSync(join(root, '.pasta', 'project.json'), 'utf8')).baseModel, 'no-such-model');
        const api = vscode.extensions.getExtension<PastaApi>(EXTENSION_ID)!.exports;
        assert.equal(api.context.training.running, undefined);
        assert.equal(api.context.training.current?.status, 'failed');
        assert.ok(api.context.dashboard.isOpen, 'the dashboard follows the run');
      } finally {
        rmSync(join(root, '.pasta', 'project.json'), { force: true });
      }
    },
  ],
  [
    'labels written as names are labels like any other; training offers to add the ones the data uses',
    async () => {
      const root = workspaceRoot();
      const project = join(root, '.pasta', 'project.json');
      mkdirSync(join(root, '.pasta', 'datasets'), { recursive: true });
      writeFileSync(project, JSON.stringify({ labels: ['PER', { name: 'drug', color: '#aa0000', key: 'd' }] }));
      writeFileSync(
        join(root, '.pasta', 'datasets', 'news.jsonl'),
        '{"text": "Ada joined ACME", "spans": [{"start": 0, "end": 3, "label": "PER"}, {"start": 11, "end": 15, "label": "ORG"}]}\n{"text": "Bo left", "spans": [{"start": 0, "end": 2, "label": "PER"}]}\n',
      );
      try {
        const api = vscode.extensions.getExtension<PastaApi>(EXTENSION_ID)!.exports;
        const labels = await api.context.annotations.labels(vscode.workspace.workspaceFolders![0]);
        assert.deepEqual(
          labels.map((l) => [l.name, l.key]),
          [
            ['PER', '1'],
            ['drug', 'd'],
          ],
        );
        assert.match(labels[0].color, /^#[0-9a-f]{6}$/);
        await selectInNotes(0, 'Grace Hopper'.length);
        assert.deepEqual(await vscode.commands.executeCommand('pasta.labelSelection', 'PER'), { start: 0, end: 12, label: 'PER' });
        rmSync(sidecar());

        const declined = await vscode.commands.executeCommand('pasta.trainAdapter', {
          task: 'token',
          baseModel: 'no-such-model',
          adapterName: 'suite-ner',
          addLabels: false,
        });
        assert.equal(declined, false);
        assert.deepEqual(JSON.parse(readFileSync(project, 'utf8')).labels, ['PER', { name: 'drug', color: '#aa0000', key: 'd' }]);
        const accepted = (await vscode.commands.executeCommand('pasta.trainAdapter', {
          task: 'token',
          baseModel: 'no-such-model',
          adapterName: 'suite-ner',
          addLabels: true,
        })) as TrainCommandResult;
        assert.deepEqual(JSON.parse(readFileSync(project, 'utf8')).labels, ['PER', { name: 'drug', color: '#aa0000', key: 'd' }, 'ORG']);
        // With its labels in place, the run gets as far as the base model, which this project lacks.
        assert.match(accepted.message ?? '', /no-such-model: is neither a model folder/);
      } finally {
        rmSync(join(root, '.pasta', 'datasets'), { recursive: true, force: true });
        rmSync(project, { force: true });
        rmSync(sidecar(), { force: true });
      }
    },
  ],
  [
    'a hub the machine cannot reach fails training with the reason and what to do, in one line',
    async () => {
      const root = workspaceRoot();
      const project = join(root, '.pasta', 'project.json');
      mkdirSync(join(root, '.pasta', 'datasets'), { recursive: true });
      writeFileSync(project, JSON.stringify({ labels: ['PER'] }));
      writeFileSync(
        join(root, '.pasta', 'datasets', 'people.jsonl'),
        '{"text": "Ada left", "spans": [{"start": 0, "end": 3, "label": "PER"}]}\n{"text": "Bo came", "spans": [{"start": 0, "end": 2, "label": "PER"}]}\n',
      );
      const saved = process.env.HF_ENDPOINT;
      process.env.HF_ENDPOINT = 'https://hub.pasta-studio.invalid'; // the training worker inherits it
      try {
        const result = (await vscode.commands.executeCommand('pasta.trainAdapter', {
          task: 'token',
          baseModel: 'acme/not-cached-bert',
          adapterName: 'suite-ner',
        })) as TrainCommandResult;
        assert.equal(result.status, 'failed');
        assert.equal(
          result.message,
          'acme/not-cached-bert: cannot reach https://hub.pasta-studio.invalid: its host name does not resolve (ENOTFOUND): offline, or a wrong HF_ENDPOINT; check the network connection, or set HF_ENDPOINT to a hub mirror you can reach; or use a local model folder as the base model',
        );
        const api = vscode.extensions.getExtension<PastaApi>(EXTENSION_ID)!.exports;
        assert.equal(api.context.training.current?.message, result.message, 'the dashboard shows the same line');
      } finally {
        if (saved === undefined) delete process.env.HF_ENDPOINT;
        else process.env.HF_ENDPOINT = saved;
        rmSync(join(root, '.pasta', 'datasets'), { recursive: true, force: true });
        rmSync(project, { force: true });
      }
    },
  ],
  [
    'Package Adapter refuses an adapter that does not load, naming the file',
    async () => {
      const dir = join(workspaceRoot(), '.pasta', 'adapters', 'broken');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'adapter_config.json'), JSON.stringify({ peft_type: 'PASTA' }));
      try {
        assert.equal(await vscode.commands.executeCommand('pasta.packageAdapter', { adapterName: 'broken', gitAdd: false }), undefined);
        assert.ok(!existsSync(join(dir, 'README.md')), 'no model card for an adapter that does not load');
      } finally {
        rmSync(join(workspaceRoot(), '.pasta', 'adapters'), { recursive: true, force: true });
      }
    },
  ],
  [
    'Export Model writes the standalone ONNX folder of an adapter, refuses a folder that exists, and makes one model of two adapters',
    async () => {
      const root = workspaceRoot();
      const scratch = join(root, '.export-check');
      try {
        const model = await writeTinyModel(join(scratch, 'model'), 'bert');
        await saveRandomAdapter(
          root,
          'export-me',
          model.dir,
          { task: 'TOKEN_CLS', labels: ['person'], slots: ['[CLS]', '[SEP]'], seed: 1 },
          join(scratch, 'cache'),
        );
        const out = join(scratch, 'export-me-onnx');
        const exported = (await vscode.commands.executeCommand('pasta.exportModel', { adapterName: 'export-me', out, triton: false })) as
          ExportedModel | undefined;
        assert.ok(exported, 'the command returns what it wrote');
        assert.equal(exported.modelFile, join(out, 'model.onnx'));
        for (const f of ['model.onnx', 'config.json', 'vocab.txt', 'README.md']) assert.ok(existsSync(join(out, f)), f);
        assert.deepEqual(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).id2label, { 0: 'O', 1: 'B-person', 2: 'I-person' });
        assert.equal(
          await vscode.commands.executeCommand('pasta.exportModel', { adapterName: 'export-me', out, triton: false }),
          undefined,
          'an existing folder is refused',
        );
        await saveRandomAdapter(
          root,
          'export-too',
          model.dir,
          { task: 'TOKEN_CLS', labels: ['location', 'group'], slots: ['[CLS]', '[SEP]'], seed: 2 },
          join(scratch, 'cache'),
        );
        const both = join(scratch, 'both-triton');
        const multi = (await vscode.commands.executeCommand('pasta.exportModel', { adapterNames: ['export-me', 'export-too'], out: both, triton: true })) as
          ExportedModel | undefined;
        assert.ok(multi, 'several adapters make one model');
        assert.equal(multi.modelFile, join(both, 'export-me_export-too', '1', 'model.onnx'));
        const pasta = JSON.parse(readFileSync(join(multi.modelDir, 'config.json'), 'utf8')).pasta;
        assert.deepEqual(
          pasta.adapters.map((a: { name: string }) => a.name),
          ['export-me', 'export-too'],
        );
        assert.match(readFileSync(join(multi.modelDir, 'config.pbtxt'), 'utf8'), /name: "adapter_ids"/);
      } finally {
        rmSync(scratch, { recursive: true, force: true });
        rmSync(join(root, '.pasta', 'adapters'), { recursive: true, force: true });
      }
    },
  ],
  [
    'Show Device Info previews the providers, the GPU adapter and what auto picks',
    async () => {
      const markdown = await vscode.commands.executeCommand<string>('pasta.showDeviceInfo');
      assert.match(markdown, /^# PASTA device info\n/);
      assert.match(markdown, /\n- `cpu`: available\n/);
      assert.match(markdown, /\n## GPU adapter \(WebGPU\)\n\n- (none: |.+: vendor )/);
      assert.match(markdown, /\n## auto\n\n- picks `(cpu|webgpu|cuda|dml)`: .+\n/);
      const preview = () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('markdown.preview'));
      await waitUntil(preview, 'the Markdown preview of the device info');
    },
  ],
  [
    'Install GPU Support places the CUDA provider files from a NuGet feed',
    async () => {
      if (process.platform !== 'linux') return; // the command installs the package of the host's platform
      const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
      const ortVersion = (JSON.parse(readFileSync(join(extensionPath, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')) as { version: string })
        .version;
      const pkg = cudaProviderPackage(ortVersion, 'linux', 'x64');
      assert.ok(!('unsupported' in pkg));
      const nupkg = await buildProviderNupkg(pkg.files, 50_000);
      const feed = await FakeNuget.start([{ id: pkg.id, version: pkg.version, bytes: nupkg.bytes }]);
      const targetDir = join(workspaceRoot(), '.gpu-check');
      mkdirSync(targetDir, { recursive: true });
      try {
        const result = (await vscode.commands.executeCommand('pasta.installGpuSupport', { feedUrl: feed.indexUrl, targetDir })) as
          CudaInstallResult | undefined;
        assert.ok(result, 'the command returns what it installed');
        assert.equal(result.verifiedBy, 'published');
        for (const entry of pkg.files) assert.ok(readFileSync(join(targetDir, entry.split('/').pop()!)).equals(nupkg.files.get(entry)!), entry);
      } finally {
        await feed.close();
        rmSync(targetDir, { recursive: true, force: true });
      }
    },
  ],
  [
    "Pre-annotate with a Language Model writes the endpoint's suggestions for review, not annotations",
    async () => {
      const root = workspaceRoot();
      const file = join(root, 'lm-notes.txt');
      writeFileSync(file, 'Ada Lovelace wrote to Charles Babbage.\n');
      const label = (await readProjectFile(root)).project.labels[0].name;
      const server = await startLoopbackChat(() => ({
        content: JSON.stringify({
          entities: [
            { text: 'Ada Lovelace', label },
            { text: 'Charles Babbage', label },
            { text: 'Mars', label },
          ],
        }),
      }));
      const settings = vscode.workspace.getConfiguration('pasta.preannotate');
      const set = (values: Record<string, string | undefined>) =>
        Promise.all(Object.entries(values).map(([key, value]) => settings.update(key, value, vscode.ConfigurationTarget.Workspace)));
      await set({ source: 'endpoint', endpoint: server.url, model: 'loopback' });
      try {
        const outcomes = (await vscode.commands.executeCommand('pasta.preannotate', vscode.Uri.file(file))) as FileOutcome[];
        assert.deepEqual(
          outcomes.map((o) => [o.file, o.status]),
          [['lm-notes.txt', 'suggested']],
        );
        assert.equal(server.requests.length, 1);
        const suggestions = JSON.parse(readFileSync(join(root, '.pasta', 'suggestions', 'lm-notes.txt.json'), 'utf8'));
        assert.deepEqual(
          suggestions.spans.map((s: { text: string; label: string }) => [s.text, s.label]),
          [
            ['Ada Lovelace', label],
            ['Charles Babbage', label],
          ],
        );
        assert.deepEqual(suggestions.problems, [`"Mars" (${label}) is not in the text`]);
        assert.equal(existsSync(join(root, '.pasta', 'annotations', 'lm-notes.txt.json')), false, 'nothing is annotated before a person accepts');
        // A person accepts one suggestion: the agreement view scores the model against that.
        await new AnnotationStore(root).save('lm-notes.txt', readFileSync(file, 'utf8'), [{ start: 0, end: 'Ada Lovelace'.length, label }]);
        const markdown = await vscode.commands.executeCommand<string>('pasta.showLanguageModelAgreement');
        assert.match(markdown, new RegExp(`\\n\\| ${label} \\| 50\\.0 \\| 100\\.0 \\| 66\\.7 \\| 1 \\| 2 \\|\\n`));
      } finally {
        await set({ source: undefined, endpoint: undefined, model: undefined });
        await server.close();
        rmSync(file, { force: true });
        rmSync(join(root, '.pasta', 'suggestions'), { recursive: true, force: true });
        rmSync(join(root, '.pasta', 'annotations', 'lm-notes.txt.json'), { force: true });
      }
    },
  ],
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
