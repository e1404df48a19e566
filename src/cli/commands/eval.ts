// pasta eval: an adapter's entity-level precision, recall and F1 on a labelled CoNLL or JSONL file (TOKEN_CLS), or
// its accuracy, per-label precision, recall and F1 and macro-F1 on a labelled JSONL file (SEQ_CLS).
import { extname, resolve } from 'node:path';
import { readClassificationJsonl } from '../../core/data/formats/jsonl.js';
import { adapterLabels } from '../../core/adapter/adapterConfig.js';
import { InputError } from '../../core/data/types.js';
import { loadClassificationData } from '../../core/project/classificationData.js';
import type { DevScores } from '../../core/pasta/tasks.js';
import type { TagScheme } from '../../core/data/formats/tagSchemes.js';
import { TAG_SCHEMES } from '../../core/data/formats/tagSchemes.js';
import { loadWorkspaceData } from '../../core/project/workspaceData.js';
import { readProjectFile } from '../../core/project/projectFile.js';
import { booleanFlag, stringFlag, type Command } from '../command.js';
import { INPUT_FORMATS, readNerFile, type InputFormat } from '../../core/data/formats/dataFiles.js';
import { formatScores } from '../metricsTable.js';
import { adapterFlag, chooseAdapter } from '../adapterChoice.js';

/** Accuracy, then per-label precision / recall / F1 / support and the macro average, as an aligned table. */
export function formatClassificationScores(scores: DevScores): string {
  const pct = (x: number) => (100 * x).toFixed(1);
  const rows: string[][] = [['label', 'precision', 'recall', 'f1', 'support']];
  for (const [label, s] of Object.entries(scores.perLabel)) rows.push([label, pct(s.precision), pct(s.recall), pct(s.f1), String(s.support)]);
  const support = Object.values(scores.perLabel).reduce((n, s) => n + s.support, 0);
  rows.push(['macro avg', pct(scores.precision), pct(scores.recall), pct(scores.f1), String(support)]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const table = rows.map((r) => `  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')}\n`).join('');
  return `  accuracy ${pct(scores.accuracy ?? 0)} (${support} texts)\n${table}`;
}

/** The scores as JSON: seqeval-like for entities; for classification accuracy, macro_f1 and per-label rows. */
function classificationJson(scores: DevScores) {
  return {
    accuracy: scores.accuracy ?? 0,
    macro_f1: scores.f1,
    macro: { precision: scores.precision, recall: scores.recall, f1: scores.f1 },
    per_label: scores.perLabel,
  };
}

export const evalCommand: Command = {
  name: 'eval',
  summary: "Score an adapter on a labelled CoNLL or JSONL file, or on the project's dev split",
  description: [
    "Entity adapters (TOKEN_CLS): entity-level precision, recall and F1 per label and micro-averaged, as seqeval computes them in strict IOB2 mode. CoNLL files are scored on their own tokens; JSONL and workspace documents on the tokenizer's words.",
    'Text classification adapters (SEQ_CLS): accuracy, precision, recall and F1 per label and their macro average (scikit-learn\'s definitions), on a JSONL file of {"text", "label"} records (plain, doccano or Prodigy shapes), or of sentence pairs {"text", "text_pair", "label"} for an adapter trained on pairs.',
  ].join('\n'),
  positionals: [{ name: 'file', description: 'A CoNLL or JSONL file with gold entities (default: the dev split of the workspace)', optional: true }],
  flags: {
    adapter: adapterFlag(),
    format: { type: 'string', valueName: '<format>', choices: INPUT_FORMATS, defaultText: 'auto', description: 'Format of the file' },
    scheme: { type: 'string', valueName: '<scheme>', choices: TAG_SCHEMES, defaultText: 'IOB2', description: 'Tag scheme of a CoNLL file' },
    json: { type: 'boolean', description: 'Print the scores as JSON' },
  },
  async run(args, io) {
    // The engine (onnxruntime's native module) loads only when a command needs it.
    const { WorkspacePredictor } = await import('../../core/prediction/workspacePrediction.js');
    const predictor = new WorkspacePredictor(args.workspace);
    try {
      const adapter = await chooseAdapter(args.workspace, predictor, stringFlag(args, 'adapter'), 'eval');
      const [file] = args.positionals;
      if ((await predictor.taskOf(adapter)) === 'SEQ_CLS') {
        let records;
        if (file) {
          const path = resolve(io.cwd, file);
          const format = stringFlag(args, 'format') ?? 'auto';
          if (format === 'conll' || (format === 'auto' && extname(path).toLowerCase() !== '.jsonl')) {
            throw new InputError(path, undefined, `adapter '${adapter}' classifies texts; score it on a JSONL file of {"text", "label"} records`);
          }
          records = await readClassificationJsonl(path);
          if (records.length === 0) throw new InputError(path, undefined, 'holds no records to score');
        } else {
          const { project } = await readProjectFile(args.workspace);
          records = (await loadClassificationData(args.workspace, project)).dev;
        }
        const scores = await predictor.evaluateClassification(records, adapter);
        if (booleanFlag(args, 'json')) io.stdout.write(`${JSON.stringify(classificationJson(scores))}\n`);
        else io.stdout.write(`Adapter '${adapter}' on ${file ?? 'the workspace dev split'}:\n${formatClassificationScores(scores)}`);
        return 0;
      }
      let scores;
      if (file) {
        const path = resolve(io.cwd, file);
        const labels = adapterLabels((await predictor.adapter(adapter, 'TOKEN_CLS')).adapter.config);
        const { documents, kind } = await readNerFile(path, {
          format: (stringFlag(args, 'format') ?? 'auto') as InputFormat,
          scheme: stringFlag(args, 'scheme') as TagScheme | undefined,
          labels,
        });
        scores = await predictor.evaluate(documents, adapter, kind === 'conll' ? 'whitespace' : 'tokenizer');
      } else {
        const { project } = await readProjectFile(args.workspace);
        const { dev } = await loadWorkspaceData(args.workspace, project);
        scores = await predictor.evaluate(dev, adapter, 'tokenizer');
      }
      if (booleanFlag(args, 'json')) io.stdout.write(`${JSON.stringify(scores)}\n`);
      else io.stdout.write(`Adapter '${adapter}' on ${file ?? 'the workspace dev split'}:\n${formatScores(scores)}`);
      return 0;
    } finally {
      await predictor.dispose();
    }
  },
};
