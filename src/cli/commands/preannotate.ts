// pasta preannotate: suggestions from a language model behind an OpenAI-compatible endpoint, written as
// .pasta/suggestions files for a person to accept or reject in the review panel (never into the annotations), and
// --agreement: how the suggestions score against what people accepted.
import { resolve } from 'node:path';
import { listAdapters } from '../../core/adapter/adapterList.js';
import { InputError, type NerDocument } from '../../core/data/types.js';
import type { DevScores } from '../../core/pasta/tasks.js';
import { suggestionAgreement } from '../../core/preannotate/agreement.js';
import { ChatCompletionsEndpoint } from '../../core/preannotate/chatCompletions.js';
import { nextUnannotatedFiles, preannotateFiles, type FileOutcome } from '../../core/preannotate/preannotateFiles.js';
import { describeUsage } from '../../core/preannotate/usage.js';
import { readProjectFile } from '../../core/project/projectFile.js';
import { booleanFlag, stringFlag, UsageError, type CliIo, type Command, type ParsedArgs } from '../command.js';
import { formatScores } from '../metricsTable.js';
import { adapterFlag, chooseAdapter } from '../adapterChoice.js';

function describeOutcome(outcome: FileOutcome): string {
  if (outcome.status === 'suggested') {
    const problems = outcome.problems.length ? `; ${outcome.problems.length} not placed or left out: ${outcome.problems.join('; ')}` : '';
    return `${outcome.file}: ${outcome.suggestions} suggestion${outcome.suggestions === 1 ? '' : 's'}${problems}`;
  }
  if (outcome.status === 'skipped') return `${outcome.file}: skipped, ${outcome.reason}`;
  return `${outcome.file}: failed, ${outcome.reason}`;
}

function positiveInteger(args: ParsedArgs, name: string): number | undefined {
  const value = stringFlag(args, name);
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`--${name} must be a positive whole number, not ${JSON.stringify(value)}`, 'preannotate');
  return Number(value);
}

/** The adapter's scores on the same accepted annotations, when the workspace has an adapter, so that one sees when it overtakes the model. */
async function adapterScores(args: ParsedArgs, documents: NerDocument[]): Promise<{ name: string; scores: DevScores } | undefined> {
  if (documents.length === 0 || (!stringFlag(args, 'adapter') && (await listAdapters(args.workspace)).adapters.length === 0)) return undefined;
  // The engine (onnxruntime's native module) loads only when there is an adapter to run.
  const { WorkspacePredictor } = await import('../../core/prediction/workspacePrediction.js');
  const predictor = new WorkspacePredictor(args.workspace);
  try {
    const name = await chooseAdapter(args.workspace, predictor, stringFlag(args, 'adapter'), 'preannotate');
    if ((await predictor.taskOf(name)) !== 'TOKEN_CLS') return undefined;
    return { name, scores: await predictor.evaluate(documents, name, 'tokenizer') };
  } finally {
    await predictor.dispose();
  }
}

async function agreement(args: ParsedArgs, io: CliIo): Promise<number> {
  const result = await suggestionAgreement(args.workspace, args.positionals.length ? args.positionals.map((f) => resolve(io.cwd, f)) : undefined);
  const adapter = await adapterScores(args, result.documents);
  if (booleanFlag(args, 'json')) {
    const adapterJson = adapter
      ? {
          adapter: {
            name: adapter.name,
            precision: adapter.scores.precision,
            recall: adapter.scores.recall,
            f1: adapter.scores.f1,
            per_label: adapter.scores.perLabel,
          },
        }
      : {};
    io.stdout.write(
      `${JSON.stringify({ files: result.files, skipped: result.skipped, micro: result.report.micro, per_label: result.report.byLabel, ...adapterJson })}\n`,
    );
    return 0;
  }
  for (const { file, reason } of result.skipped) io.stderr.write(`${file}: not scored, ${reason}\n`);
  if (result.files.length === 0)
    throw new InputError(
      args.workspace,
      undefined,
      'no file has both language-model suggestions and accepted annotations for its current text; accept or correct suggestions in the review panel first',
    );
  const { micro, byLabel } = result.report;
  io.stdout.write(`Language-model suggestions against the accepted annotations of ${result.files.length} file${result.files.length === 1 ? '' : 's'}:\n`);
  io.stdout.write(formatScores({ precision: micro.precision, recall: micro.recall, f1: micro.f1, perLabel: byLabel }));
  if (adapter) io.stdout.write(`Adapter '${adapter.name}' on the same annotations (it may have been trained on them):\n${formatScores(adapter.scores)}`);
  return 0;
}

export const preannotateCommand: Command = {
  name: 'preannotate',
  summary: 'Suggest entities with a language model (OpenAI-compatible endpoint) for review; or score the suggestions',
  description: [
    "Sends each file (in parts that end at paragraph boundaries) with the project's labels, their descriptions and examples to a chat completions endpoint (OpenAI, Ollama, llama.cpp, vLLM, ...), places every entity it names at exact character offsets, and writes the suggestions to .pasta/suggestions/<file>.json. Nothing is written to the annotations: the review panel shows the suggestions to accept or reject.",
    'Resumable: files that already have suggestions for their current text, or annotations, are skipped. A file whose answer cannot be used is reported and the run goes on; an endpoint that is down, slow or refusing stops it (exit 1), and running the same command again continues.',
    '--agreement: entity-level precision, recall and F1 per label of the suggestions against the annotations people accepted, over the files that have both.',
  ].join('\n'),
  positionals: [{ name: 'files', description: 'Workspace files to pre-annotate (or to score with --agreement)', optional: true, variadic: true }],
  flags: {
    endpoint: { type: 'string', valueName: '<url>', description: 'The API base (http://localhost:11434/v1) or its /chat/completions URL' },
    model: { type: 'string', short: 'm', valueName: '<name>', description: 'The model the endpoint serves' },
    'api-key-env': { type: 'string', valueName: '<VAR>', description: 'The environment variable that holds the API key (sent as a bearer token)' },
    next: {
      type: 'string',
      valueName: '<n>',
      description: 'Pre-annotate the next n text files (.txt, .md, ...) that have neither annotations nor suggestions',
    },
    timeout: { type: 'string', valueName: '<seconds>', defaultText: '120', description: 'How long to wait for each answer' },
    agreement: {
      type: 'boolean',
      description: 'Score the suggestions against the accepted annotations instead, and the adapter (if any) on the same annotations',
    },
    adapter: adapterFlag('With --agreement: the adapter to score beside the suggestions'),
    json: { type: 'boolean', description: 'With --agreement: print the scores as JSON' },
  },
  async run(args, io) {
    if (booleanFlag(args, 'agreement')) return agreement(args, io);
    const url = stringFlag(args, 'endpoint');
    const modelName = stringFlag(args, 'model');
    if (!url) throw new UsageError('--endpoint <url> is required (e.g. http://localhost:11434/v1)', 'preannotate');
    if (!modelName) throw new UsageError('--model <name> is required', 'preannotate');
    const keyVar = stringFlag(args, 'api-key-env');
    const apiKey = keyVar === undefined ? undefined : io.env[keyVar];
    if (keyVar !== undefined && !apiKey) throw new UsageError(`--api-key-env names ${keyVar}, which is not set`, 'preannotate');
    const next = positiveInteger(args, 'next');
    const timeoutSeconds = positiveInteger(args, 'timeout') ?? 120;
    if (next !== undefined && args.positionals.length > 0) throw new UsageError('give files or --next, not both', 'preannotate');
    if (next === undefined && args.positionals.length === 0) throw new UsageError('name the files to pre-annotate, or --next <n>', 'preannotate');

    const { project } = await readProjectFile(args.workspace);
    const files = next !== undefined ? await nextUnannotatedFiles(args.workspace, next) : args.positionals.map((f) => resolve(io.cwd, f));
    if (files.length === 0) {
      io.stdout.write('Every text file has annotations or suggestions already.\n');
      return 0;
    }
    const model = new ChatCompletionsEndpoint({ url, model: modelName, apiKey, timeoutMs: timeoutSeconds * 1000 });
    const controller = new AbortController();
    const onInterrupt = () => controller.abort(new Error('interrupted'));
    process.once('SIGINT', onInterrupt);
    let run;
    try {
      run = await preannotateFiles(args.workspace, files, model, project.labels, {
        signal: controller.signal,
        onFile: ({ index, total, file, outcome }) => {
          if (!outcome) io.stderr.write(`[${index + 1}/${total}] ${file} ...\n`);
          else io.stdout.write(`${describeOutcome(outcome)}\n`);
        },
      });
    } catch (error) {
      if (!controller.signal.aborted) throw error;
      io.stderr.write('error: interrupted; the files done so far keep their suggestions, run the same command again to continue\n');
      return 1;
    } finally {
      process.off('SIGINT', onInterrupt);
    }
    const suggested = run.outcomes.filter((o) => o.status === 'suggested').length;
    const failed = run.outcomes.filter((o) => o.status === 'failed').length;
    io.stdout.write(
      `Suggestions for ${suggested} of ${files.length} file${files.length === 1 ? '' : 's'} in .pasta/suggestions (${describeUsage(run.usage)}); review them in the predictions panel.\n`,
    );
    if (run.stopped) {
      io.stderr.write(`error: stopped: ${run.stopped}; run the same command again to continue\n`);
      return 1;
    }
    if (failed > 0) {
      io.stderr.write(`error: ${failed} file${failed === 1 ? '' : 's'} got no usable answer (see above); run again to retry them\n`);
      return 1;
    }
    return 0;
  },
};
