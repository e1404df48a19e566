// Train a PASTA adapter from a workspace, end to end: project.json, base model, data, training, and the
// adapter written into .pasta/adapters/<name>. The CLI and the extension's training worker both call this.
import { checkAdapterName } from '../adapter/index';
import { loadBaseModel } from '../project/baseModel';
import type { JsonValue } from '../util/jsonWithLines';
import { readProjectFile } from '../project/projectFile';
import { fitProjectMaxLength } from '../project/maxLength';
import { trainSequenceAdapter } from './sequenceTraining';
import { prepareTokenTask, type DevScores } from '../pasta/tasks';
import { runTrainingJob, type WorkspaceTrainOptions, type WorkspaceTrainResult } from './trainingRun';
import { loadWorkspaceData } from '../project/workspaceData';

function metricsJson(best: DevScores | undefined): { [key: string]: JsonValue } {
  if (!best) return {};
  return { dev: JSON.parse(JSON.stringify({ overall: { precision: best.precision, recall: best.recall, f1: best.f1 }, ...best.perLabel })) };
}

export async function trainWorkspaceAdapter(options: WorkspaceTrainOptions): Promise<WorkspaceTrainResult> {
  const { workspaceRoot, adapterName } = options;
  const say = (message: string) => options.onEvent?.({ type: 'info', message });
  checkAdapterName(adapterName, 'the adapter name');
  const contents = await readProjectFile(workspaceRoot);
  const { project } = contents;
  const hp = { ...project.hyperparameters, ...options.overrides };
  if (project.task === 'sequence') return trainSequenceAdapter(options, contents, hp);

  const data = await loadWorkspaceData(workspaceRoot, project);
  for (const w of data.warnings) say(`warning: ${w.message}`);
  say(`data: ${data.train.length} training and ${data.dev.length} dev paragraphs`);
  const base = await loadBaseModel(project.baseModel, workspaceRoot, options.download);
  say(`base model: ${project.baseModel} (${base.config.model_type}, ${base.config.num_hidden_layers} layers x ${base.config.hidden_size})`);
  const fitted = await fitProjectMaxLength(base, contents, hp, options.overrides?.maxLength === undefined ? undefined : '--max-length');
  if (fitted.note) say(fitted.note);
  Object.assign(hp, { maxLength: fitted.maxLength, stride: fitted.stride });

  const labels = project.labels.map((l) => l.name);
  const task = prepareTokenTask(base.tokenizer, labels, data.train, data.dev, { maxLength: hp.maxLength, stride: hp.stride, wordSplit: 'tokenizer' });
  for (const p of task.problems.slice(0, 5))
    say(`warning: ${p.docId}: span "${p.text}" (${p.span.label}) does not fall on word boundaries; it was widened to whole words`);
  return runTrainingJob({
    options,
    project,
    hyperparameters: hp,
    base,
    task,
    adapterTask: 'TOKEN_CLS',
    labels,
    dataFingerprint: data.fingerprint,
    metrics: metricsJson,
  });
}
