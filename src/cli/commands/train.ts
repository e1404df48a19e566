// pasta train: trains a PASTA adapter on the workspace's annotations and writes .pasta/adapters/<name>.
import { DEVICE_REQUESTS, type DeviceRequest } from '../../core/engine/deviceNames.js';
import { PRECISIONS, type Precision } from '../../core/graph/kernels.js';
import type { Hyperparameters } from '../../core/project/projectFile.js';
import { DROPOUT_MODES, type DropoutMode } from '../../core/graph/encoderDropout.js';
import { hyperparameterProblem, readProjectFile, updateProjectFile } from '../../core/project/projectFile.js';
import { addProjectLabels, describeAddedLabels } from '../../core/project/projectLabels.js';
import { findMissingLabels, MissingLabelsError } from '../../core/project/workspaceData.js';
import { InputError } from '../../core/data/types.js';
import type { TrainingEvent } from '../../core/training/trainingEvents.js';
import { TrainingError } from '../../core/training/trainingError.js';
import { booleanFlag, stringFlag, UsageError, type CliIo, type Command, type ParsedArgs } from '../command.js';
import { formatScores } from '../metricsTable.js';
import { formatClassificationScores } from './eval.js';
import { shownPath } from '../shownPath.js';

const NUMERIC_FLAGS: Record<string, keyof Hyperparameters> = {
  epochs: 'epochs',
  'batch-size': 'batchSize',
  lr: 'learningRate',
  'max-length': 'maxLength',
  patience: 'patience',
  seed: 'seed',
  threads: 'threads',
};

function overrides(args: ParsedArgs): Partial<Hyperparameters> {
  const out: Partial<Hyperparameters> = {};
  for (const [flag, key] of Object.entries(NUMERIC_FLAGS)) {
    const text = stringFlag(args, flag);
    if (text === undefined) continue;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new UsageError(`--${flag} must be a non-negative number, got ${JSON.stringify(text)}`, 'train');
    // The limits project.json's schema sets for the same field (a batch of 0 once crashed V8).
    const problem = hyperparameterProblem(key, value);
    if (problem !== undefined) throw new UsageError(`--${flag} ${problem}`, 'train');
    (out as Record<string, number>)[key] = value;
  }
  const device = stringFlag(args, 'device');
  if (device !== undefined) out.device = device as DeviceRequest;
  const precision = stringFlag(args, 'precision');
  if (precision !== undefined) out.precision = precision as Precision;
  const dropout = stringFlag(args, 'dropout');
  if (dropout !== undefined) out.dropout = dropout as DropoutMode;
  return out;
}

function pct(x: number): string {
  return (100 * x).toFixed(1).padStart(5);
}

function reporter(io: CliIo, json: boolean, quiet: boolean) {
  return (e: TrainingEvent | { type: 'info'; message: string }) => {
    if (json) {
      if (e.type !== 'step' || e.step % 10 === 0) io.stdout.write(`${JSON.stringify(e)}\n`);
      return;
    }
    switch (e.type) {
      case 'info':
        io.stderr.write(`${e.message}\n`);
        break;
      case 'start':
        io.stderr.write(
          `training ${e.trainableParameters.toLocaleString('en')} parameters on ${e.device}${e.precision === 'int8' ? ' in int8' : ''}${e.precisionReason ? ` (${e.precisionReason})` : ''}${e.fallbackReason ? ` (${e.fallbackReason})` : e.autoReason ? ` (no GPU: ${e.autoReason})` : ''}: ${e.trainExamples} training and ${e.devExamples} dev windows, ${e.totalSteps} steps${e.resumedFromEpoch ? `, resumed after epoch ${e.resumedFromEpoch}` : ''}\n`,
        );
        break;
      case 'epoch':
        if (!quiet)
          io.stderr.write(
            `epoch ${String(e.epoch).padStart(3)}  loss ${e.trainLoss.toFixed(4)}  dev ${e.dev.accuracy === undefined ? '' : `acc ${pct(e.dev.accuracy)}  macro `}P ${pct(e.dev.precision)}  R ${pct(e.dev.recall)}  F1 ${pct(e.dev.f1)}${e.best ? '  best' : ''}  (${e.secondsPerEpoch.toFixed(1)} s)\n`,
          );
        break;
      case 'early-stop':
        io.stderr.write(`early stop after epoch ${e.epoch}: no dev F1 gain since epoch ${e.bestEpoch}\n`);
        break;
      case 'cancelled':
        io.stderr.write(`cancelled in epoch ${e.epoch}; ${e.checkpoint ? 'continue with --resume' : 'no epoch had finished, nothing to resume'}\n`);
        break;
      default:
        break;
    }
  };
}

async function addMissingLabels(workspace: string, io: CliIo): Promise<void> {
  const { project } = await readProjectFile(workspace);
  const missing = await findMissingLabels(workspace, project);
  const added = describeAddedLabels(await addProjectLabels(workspace, [...missing.keys()]));
  if (added) io.stderr.write(`${added}\n`);
}

export const trainCommand: Command = {
  name: 'train',
  summary: "Train a PASTA adapter on the workspace's annotations (.pasta/adapters/<name>)",
  description: [
    'Reads .pasta/project.json (labels, base model, data sources, dev split, hyperparameters; every field has a default), trains the PASTA vectors and a classification head on the frozen base model, selects the epoch with the best dev entity F1 (seqeval, strict IOB2) for a "token" project or the best dev macro-F1 for a "sequence" (text classification) project, and writes the adapter (TOKEN_CLS or SEQ_CLS) atomically. A checkpoint is kept after every epoch under .pasta/checkpoints/<name> until training ends; Ctrl-C stops after the current step and --resume continues from the last epoch.',
    'A "sequence" project whose records are sentence pairs ({"text", "text_pair", "label"}, or sentence1/sentence2, premise/hypothesis) trains a pair classifier: the texts are encoded as the tokenizer\'s pair ([CLS] a [SEP] b [SEP]; <s> a </s></s> b </s>), with one PASTA slot per special token (3 for BERT-likes, 4 for RoBERTa-likes), recorded in adapter_config.json ("text_pair": true).',
    'Flags override the project file for this run only.',
  ].join('\n'),
  flags: {
    name: {
      type: 'string',
      short: 'n',
      valueName: '<name>',
      defaultText: 'ner (token task) or classifier (sequence task)',
      description: 'Adapter name (its folder under .pasta/adapters)',
    },
    epochs: { type: 'string', valueName: '<n>', defaultText: 'project (20)', description: 'Maximum number of epochs' },
    'batch-size': { type: 'string', valueName: '<n>', defaultText: 'project (16)', description: 'Sequences per step' },
    lr: { type: 'string', valueName: '<rate>', defaultText: 'project (3e-3)', description: 'Peak learning rate of AdamW (linear warm-up and decay)' },
    'max-length': {
      type: 'string',
      valueName: '<n>',
      defaultText: 'project (128)',
      description: 'Word pieces per window; longer texts are split with a stride',
    },
    patience: { type: 'string', valueName: '<n>', defaultText: 'project (5)', description: 'Epochs without dev F1 gain before stopping (0: never)' },
    seed: { type: 'string', valueName: '<n>', defaultText: 'project (42)', description: 'Seed of initialisation, shuffling and dropout' },
    dropout: {
      type: 'string',
      valueName: '<which>',
      choices: DROPOUT_MODES,
      defaultText: 'project (pasta)',
      description:
        "Dropout at the base model's config.json rates: none; pasta (the PASTA vectors and the head's input); all (also the encoder's own, as PyTorch's model.train())",
    },
    threads: { type: 'string', valueName: '<n>', defaultText: 'all cores', description: 'CPU threads for onnxruntime' },
    device: {
      type: 'string',
      valueName: '<device>',
      choices: DEVICE_REQUESTS,
      defaultText: 'project (auto)',
      description: 'Execution provider; falls back to the CPU with the reason',
    },
    precision: {
      type: 'string',
      valueName: '<precision>',
      choices: PRECISIONS,
      defaultText: 'project (fp32)',
      description: "The frozen base's matrix products in fp32 or int8 (CPU only; a GPU trains in fp32 and says so)",
    },
    resume: { type: 'boolean', description: 'Continue from the last epoch checkpoint of the same adapter, data and settings' },
    activate: { type: 'boolean', description: 'Make the trained adapter the active one in project.json' },
    'add-labels': {
      type: 'boolean',
      description:
        'Append the labels the data uses and project.json lacks to its "labels" before training (without it, such labels stop training with their names)',
    },
    json: { type: 'boolean', description: 'Print training events as JSON lines on stdout' },
    quiet: { type: 'boolean', short: 'q', description: 'Only the final metrics' },
  },
  async run(args, io) {
    const name = stringFlag(args, 'name') ?? ((await readProjectFile(args.workspace)).project.task === 'sequence' ? 'classifier' : 'ner');
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    try {
      if (booleanFlag(args, 'add-labels')) await addMissingLabels(args.workspace, io);
      // The engine (onnxruntime's native module) loads only when a command needs it.
      const { trainWorkspaceAdapter } = await import('../../core/training/workspaceTraining.js');
      const result = await trainWorkspaceAdapter({
        workspaceRoot: args.workspace,
        adapterName: name,
        overrides: overrides(args),
        resume: booleanFlag(args, 'resume'),
        signal: controller.signal,
        onEvent: reporter(io, booleanFlag(args, 'json'), booleanFlag(args, 'quiet')),
      });
      if (result.cancelled) return 1;
      if (booleanFlag(args, 'activate'))
        await updateProjectFile(args.workspace, (raw) => {
          raw.activeAdapter = name;
        });
      if (!booleanFlag(args, 'json') && result.best) {
        io.stdout.write(`\nAdapter '${name}' (best epoch ${result.bestEpoch}) written to ${shownPath(io.cwd, result.adapterDir!)}\n`);
        if (result.project.task === 'sequence') io.stdout.write(`Dev metrics (text classification):\n${formatClassificationScores(result.best)}`);
        else io.stdout.write(`Dev metrics (entity level, seqeval strict IOB2):\n${formatScores(result.best)}`);
      }
      return 0;
    } catch (error) {
      if (error instanceof MissingLabelsError) throw new InputError(error.file, error.line, `${error.problem} (or run pasta train --add-labels)`);
      // A failing GPU (DeviceFailure) among them: one line, exit 1, the epoch checkpoint kept.
      if (error instanceof TrainingError) {
        io.stderr.write(`error: ${error.message}\n`);
        return 1;
      }
      throw error;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  },
};
