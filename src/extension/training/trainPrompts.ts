// The questions "PASTA: Train Adapter" asks: task, base model, adapter name and, when a checkpoint of that
// adapter exists, whether to resume. Each has a default, so Enter, Enter, Enter trains. A caller (a test, another
// command) may answer any of them through the command's argument.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_MODEL_NAME } from '../../core/model/hub/cacheDir.js';
import { adapterDir, ADAPTER_CONFIG_FILE, isValidAdapterName } from '../../core/adapter/index.js';
import type { Project, ProjectTask } from '../../core/project/projectFile.js';
import { CHECKPOINT_FILE, loadTrainingCheckpoint, type TrainingCheckpoint } from '../../core/training/trainingCheckpoint.js';
import { checkpointDir } from '../../core/training/trainingRun.js';
import { readSettings } from '../settings.js';

export interface TrainChoices {
  task: ProjectTask;
  baseModel: string;
  adapterName: string;
  /** The checkpoint to resume from, when the person chose to. */
  resumeFrom?: TrainingCheckpoint;
}

/** The command's optional argument: answers that skip the matching question. */
export interface TrainArgs {
  task?: ProjectTask;
  baseModel?: string;
  adapterName?: string;
  resume?: boolean;
  /** Adds the labels the data uses and the project lacks (true) or does not (false) without asking. */
  addLabels?: boolean;
}

export function parseTrainArgs(arg: unknown): TrainArgs {
  if (typeof arg !== 'object' || arg === null) return {};
  const a = arg as Record<string, unknown>;
  return {
    task: a.task === 'token' || a.task === 'sequence' ? a.task : undefined,
    baseModel: typeof a.baseModel === 'string' ? a.baseModel : undefined,
    adapterName: typeof a.adapterName === 'string' ? a.adapterName : undefined,
    resume: typeof a.resume === 'boolean' ? a.resume : undefined,
    addLabels: typeof a.addLabels === 'boolean' ? a.addLabels : undefined,
  };
}

const TASKS: Record<ProjectTask, { label: string; detail: string }> = {
  token: { label: 'Token classification', detail: 'Entities in text (NER): a TOKEN_CLS adapter from the annotated spans' },
  sequence: { label: 'Text classification', detail: 'One label per text: a SEQ_CLS adapter from {"text", "label"} records' },
};

export function adapterNameProblem(name: string): string | undefined {
  return isValidAdapterName(name) ? undefined : 'A letter or digit, then letters, digits, ".", "_" or "-" (at most 100 characters)';
}

async function askTask(project: Project): Promise<ProjectTask | undefined> {
  // Text classification is offered where the project is a text classification project.
  const tasks: ProjectTask[] = project.task === 'sequence' ? ['sequence', 'token'] : ['token'];
  const pick = await vscode.window.showQuickPick(
    tasks.map((task) => ({ ...TASKS[task], description: task === project.task ? 'project.json' : 'sets "task" in project.json', task })),
    { title: 'PASTA: Train Adapter (1/3): task', placeHolder: 'What the adapter predicts', ignoreFocusOut: true },
  );
  return pick?.task;
}

/** The settings' default names the same model as the project's default, only by its hub id. */
function sameModel(a: string, b: string): boolean {
  const canonical = (m: string) => (m === `sentence-transformers/${DEFAULT_MODEL_NAME}` ? DEFAULT_MODEL_NAME : m);
  return canonical(a) === canonical(b);
}

async function askBaseModel(project: Project): Promise<string | undefined> {
  const fromSettings = readSettings().baseModel;
  type Item = vscode.QuickPickItem & { value: string };
  const items: Item[] = [{ label: project.baseModel, description: 'project.json', value: project.baseModel }];
  if (fromSettings && !sameModel(fromSettings, project.baseModel)) {
    items.push({ label: fromSettings, description: 'setting pasta.baseModel · saved to project.json', value: fromSettings });
  }
  items.push(
    { label: '$(folder) Local model folder…', description: 'config.json, model.safetensors (or pytorch_model.bin) and tokenizer files', value: 'folder' },
    { label: '$(cloud-download) Hugging Face hub id…', description: 'e.g. bert-base-cased', value: 'hub' },
  );
  const pick = await vscode.window.showQuickPick(items, {
    title: 'PASTA: Train Adapter (2/3): base model',
    placeHolder: 'The frozen encoder',
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  if (pick.value === 'folder') {
    const folder = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'Base model folder' });
    return folder?.[0]?.fsPath;
  }
  if (pick.value === 'hub') {
    const id = await vscode.window.showInputBox({
      title: 'Hugging Face hub id',
      placeHolder: 'owner/name',
      ignoreFocusOut: true,
      validateInput: (v) => (/^[\w.-]+\/[\w.-]+$/.test(v.trim()) ? undefined : 'owner/name, e.g. google-bert/bert-base-cased'),
    });
    return id?.trim() || undefined;
  }
  return pick.value;
}

async function askAdapterName(root: string, task: ProjectTask, project: Project): Promise<string | undefined> {
  const suggestion = project.activeAdapter ?? (task === 'sequence' ? 'classifier' : 'ner');
  const name = await vscode.window.showInputBox({
    title: 'PASTA: Train Adapter (3/3): adapter name',
    prompt: 'Its folder under .pasta/adapters/',
    value: suggestion,
    ignoreFocusOut: true,
    validateInput: (value) => {
      const problem = adapterNameProblem(value);
      if (problem) return problem;
      if (existsSync(join(adapterDir(root, value), ADAPTER_CONFIG_FILE))) {
        return { message: `Replaces the adapter .pasta/adapters/${value} once training succeeds`, severity: vscode.InputBoxValidationSeverity.Warning };
      }
      return undefined;
    },
  });
  return name === undefined ? undefined : name;
}

/** The checkpoint of a cancelled or interrupted run of this adapter, if there is one that can be read. */
export async function findCheckpoint(root: string, adapterName: string): Promise<TrainingCheckpoint | undefined> {
  const dir = checkpointDir(root, adapterName);
  if (!existsSync(join(dir, CHECKPOINT_FILE))) return undefined;
  try {
    return await loadTrainingCheckpoint(dir);
  } catch {
    return undefined;
  }
}

async function askResume(checkpoint: TrainingCheckpoint, adapterName: string, epochs: number): Promise<boolean | undefined> {
  const best = checkpoint.bestScores ? `, best dev F1 ${(100 * checkpoint.bestScores.f1).toFixed(1)}` : '';
  const pick = await vscode.window.showQuickPick(
    [
      { label: '$(debug-continue) Resume', description: `after epoch ${checkpoint.epoch} of ${epochs}${best}`, resume: true },
      { label: '$(debug-restart) Start over', description: 'the checkpoint is replaced', resume: false },
    ],
    { title: `PASTA: ${adapterName} has a checkpoint from an unfinished run`, ignoreFocusOut: true },
  );
  return pick?.resume;
}

/** The answers, or undefined when the person dismissed a question. */
export async function askTrainChoices(root: string, project: Project, args: TrainArgs, epochs: number): Promise<TrainChoices | undefined> {
  const task = args.task ?? (await askTask(project));
  if (!task) return undefined;
  const baseModel = args.baseModel ?? (await askBaseModel(project));
  if (!baseModel) return undefined;
  const adapterName = args.adapterName ?? (await askAdapterName(root, task, project));
  if (!adapterName) return undefined;
  const problem = adapterNameProblem(adapterName);
  if (problem) throw new Error(`"${adapterName}" is not a valid adapter name: ${problem}`);
  const checkpoint = args.resume === false ? undefined : await findCheckpoint(root, adapterName);
  if (!checkpoint) return { task, baseModel, adapterName };
  const resume = args.resume ?? (await askResume(checkpoint, adapterName, epochs));
  if (resume === undefined) return undefined;
  return { task, baseModel, adapterName, resumeFrom: resume ? checkpoint : undefined };
}
