// pasta adapters list | show <name> | use <name> | remove <name>
import { join } from 'node:path';
import { InputError } from '../../core/data/types.js';
import {
  adapterDir,
  adaptersRoot,
  checkAdapterName,
  inspectAdapter,
  listAdapters,
  loadAdapter,
  removeAdapter,
  type AdapterSummary,
} from '../../core/adapter/index.js';
import { adapterLabels, numLabels } from '../../core/adapter/adapterConfig.js';
import type { JsonValue } from '../../core/util/jsonWithLines.js';
import { readProjectFile, updateProjectFile } from '../../core/project/projectFile.js';
import { booleanFlag, UsageError, type CliIo, type Command, type ParsedArgs } from '../command.js';
import { isObject } from '../../core/util/isObject.js';

const ACTIONS = ['list', 'show', 'use', 'remove'] as const;
type Action = (typeof ACTIONS)[number];

export const adaptersCommand: Command = {
  name: 'adapters',
  summary: 'List, show, activate or remove the adapters in .pasta/adapters',
  description: [
    'list (the default): every adapter with its task, labels, dev F1, creation time and base model; "*" marks the active one. Broken adapter folders are reported on stderr, one line each, and skipped.',
    "show <name>: the adapter's config, size and metrics, after checking its files.",
    'use <name>: makes it the active adapter (activeAdapter in .pasta/project.json), after checking its files.',
    'remove <name>: deletes its folder; if it was active, the project has no active adapter afterwards.',
  ].join('\n'),
  positionals: [
    { name: 'action', description: `One of ${ACTIONS.join(', ')}`, optional: true },
    { name: 'name', description: 'The adapter (its folder name under .pasta/adapters) for show, use and remove', optional: true },
  ],
  flags: {
    json: { type: 'boolean', description: 'Print JSON instead of text (list and show)' },
  },
  async run(args, io) {
    const [actionText = 'list', name] = args.positionals;
    if (!(ACTIONS as readonly string[]).includes(actionText))
      throw new UsageError(`unknown action ${JSON.stringify(actionText)}; expected ${ACTIONS.join(', ')}`, 'adapters');
    const action = actionText as Action;
    if (action === 'list') {
      if (name !== undefined) throw new UsageError(`list takes no name (found ${JSON.stringify(name)})`, 'adapters');
      return list(args, io);
    }
    if (name === undefined) throw new UsageError(`${action} needs the adapter's name`, 'adapters');
    checkAdapterName(name, adaptersRoot(args.workspace));
    if (action === 'show') return show(args, io, name);
    if (action === 'use') return use(args, io, name);
    return remove(args, io, name);
  },
};

async function list(args: ParsedArgs, io: CliIo): Promise<number> {
  const { adapters, problems } = await listAdapters(args.workspace);
  const active = await activeAdapterOrNull(args.workspace, io);
  for (const problem of problems) io.stderr.write(`warning: ${problem.message} (skipped)\n`);
  if (booleanFlag(args, 'json')) {
    const json = { adapters: adapters.map((a) => ({ ...a, active: a.name === active })), problems: problems.map((p) => p.message) };
    io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  if (adapters.length === 0) {
    io.stdout.write(`No adapters in ${adaptersRoot(args.workspace)}; train one with "pasta train".\n`);
    return 0;
  }
  const rows = [['', 'NAME', 'TASK', 'LABELS', 'DEV F1', 'CREATED', 'BASE']];
  for (const adapter of adapters) {
    rows.push([
      adapter.name === active ? '*' : '',
      adapter.name,
      adapter.task,
      describeLabels(adapter),
      formatScore(headlineF1(adapter.metrics)),
      adapter.created,
      adapter.base,
    ]);
  }
  io.stdout.write(formatTable(rows));
  if (active !== null && !adapters.some((a) => a.name === active)) {
    io.stderr.write(`warning: the active adapter '${active}' (.pasta/project.json) is not among them\n`);
  }
  return 0;
}

async function show(args: ParsedArgs, io: CliIo, name: string): Promise<number> {
  const adapter = await loadAdapter(adapterDir(args.workspace, name));
  const { config } = adapter;
  if (booleanFlag(args, 'json')) {
    io.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
    return 0;
  }
  const active = await activeAdapterOrNull(args.workspace, io);
  const vectors = adapter.tensors.pasta_vectors.data.length;
  const head = adapter.tensors['classifier.weight'].data.length + adapter.tensors['classifier.bias'].data.length;
  const signature = config.base_model_fingerprint.signature;
  const lines = [
    `adapter:        ${adapter.name}${adapter.name === active ? ' (active)' : ''}`,
    `folder:         ${adapter.dir}`,
    `task:           ${config.task_type}${config.label_scheme ? ` (${config.label_scheme})` : ''}`,
    `labels:         ${adapterLabels(config).join(', ')} (${numLabels(config)} classes)`,
    `base model:     ${config.base_model_name_or_path} (${signature.model_type}, ${signature.num_hidden_layers} layers, hidden size ${signature.hidden_size})`,
    `base weights:   ${config.base_model_fingerprint.sha256}`,
    `special tokens: ${config.special_token_slots.join(' ')}`,
    `parameters:     ${vectors + head} (${vectors} in PASTA vectors ${config.num_layers} x ${config.num_special_token_slots} x ${config.hidden_size}, ${head} in the head)`,
    `training data:  ${config.training_data_fingerprint}`,
    `created:        ${config.created} by PASTA Studio ${config.pasta_studio_version}`,
    `hyperparameters: ${JSON.stringify(config.hyperparameters)}`,
    `metrics:        ${JSON.stringify(config.metrics, null, 2).replace(/\n/g, '\n                ')}`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

async function use(args: ParsedArgs, io: CliIo, name: string): Promise<number> {
  const { config } = await inspectAdapter(adapterDir(args.workspace, name));
  const { project } = await updateProjectFile(args.workspace, (raw) => {
    raw.activeAdapter = name;
  });
  io.stdout.write(`Active adapter: ${name}\n`);
  if (config.base_model_name_or_path !== project.baseModel) {
    io.stderr.write(`warning: adapter '${name}' was trained on ${config.base_model_name_or_path}; the project's baseModel is ${project.baseModel}\n`);
  }
  return 0;
}

async function remove(args: ParsedArgs, io: CliIo, name: string): Promise<number> {
  const active = await activeAdapterOrNull(args.workspace, io);
  await removeAdapter(args.workspace, name);
  io.stdout.write(`Removed adapter ${name} (${join(adaptersRoot(args.workspace), name)})\n`);
  if (active === name) {
    await updateProjectFile(args.workspace, (raw) => {
      delete raw.activeAdapter;
    });
    io.stdout.write('The project has no active adapter now.\n');
  }
  return 0;
}

/** A broken project.json must not hide the adapters: it is reported and treated as having no active adapter. */
async function activeAdapterOrNull(workspace: string, io: CliIo): Promise<string | null> {
  try {
    return (await readProjectFile(workspace)).project.activeAdapter;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr.write(`warning: ${error.message}\n`);
    return null;
  }
}

/**
 * The dev F1 from free-form metrics: {"dev": {"f1"}} as the trainer writes it, or the {"overall"|"micro": {"f1"}}
 * shape of seqeval-style reports.
 */
export function headlineF1(metrics: { [key: string]: JsonValue }): number | undefined {
  const dev = metrics.dev;
  for (const candidate of [dev, field(dev, 'overall'), field(dev, 'micro'), metrics]) {
    const f1 = field(candidate, 'f1');
    if (typeof f1 === 'number') return f1;
  }
  return undefined;
}

function field(value: JsonValue | undefined, key: string): JsonValue | undefined {
  return isObject(value) ? value[key] : undefined;
}

function formatScore(score: number | undefined): string {
  return score === undefined || !Number.isFinite(score) ? '-' : score.toFixed(4);
}

function describeLabels(adapter: AdapterSummary): string {
  const shown = adapter.labels.slice(0, 4).join(', ');
  return adapter.labels.length > 4 ? `${shown} (+${adapter.labels.length - 4})` : shown;
}

function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c])))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
