// pasta eval: an adapter's entity-level precision, recall and F1 on a labelled CoNLL or JSONL file.
import { resolve } from 'node:path';
import type { TagScheme } from '../../core/data/tagSchemes.js';
import { TAG_SCHEMES } from '../../core/data/tagSchemes.js';
import { WorkspacePredictor } from '../../core/pasta/workspacePrediction.js';
import { loadWorkspaceData } from '../../core/pasta/workspaceData.js';
import { readProjectFile } from '../../core/pasta/projectFile.js';
import { booleanFlag, stringFlag, type Command } from '../command.js';
import { INPUT_FORMATS, readNerFile, type InputFormat } from '../dataFiles.js';
import { formatScores } from '../metricsTable.js';
import { chooseAdapter } from './predict.js';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'Score an adapter on a labelled CoNLL or JSONL file, or on the project\'s dev split',
  description:
    'Entity-level precision, recall and F1 per label and micro-averaged, as seqeval computes them in strict IOB2 mode. CoNLL files are scored on their own tokens; JSONL and workspace documents on the tokenizer\'s words.',
  positionals: [{ name: 'file', description: 'A CoNLL or JSONL file with gold entities (default: the dev split of the workspace)', optional: true }],
  flags: {
    adapter: { type: 'string', short: 'a', valueName: '<name>', defaultText: 'the active adapter, or the only one', description: 'Adapter under .pasta/adapters' },
    format: { type: 'string', valueName: '<format>', choices: INPUT_FORMATS, defaultText: 'auto', description: 'Format of the file' },
    scheme: { type: 'string', valueName: '<scheme>', choices: TAG_SCHEMES, defaultText: 'IOB2', description: 'Tag scheme of a CoNLL file' },
    json: { type: 'boolean', description: 'Print the scores as JSON' },
  },
  async run(args, io) {
    const predictor = new WorkspacePredictor(args.workspace);
    try {
      const adapter = await chooseAdapter(args.workspace, predictor, stringFlag(args, 'adapter'), 'eval');
      const [file] = args.positionals;
      let scores;
      if (file) {
        const path = resolve(io.cwd, file);
        const { documents, kind } = await readNerFile(path, { format: (stringFlag(args, 'format') ?? 'auto') as InputFormat, scheme: stringFlag(args, 'scheme') as TagScheme | undefined });
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
