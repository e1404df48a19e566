// A tiny text classification workspace in a temp folder: a tiny BERT, .pasta/project.json with "task": "sequence"
// and a JSONL dataset of two classes written with the tiny model's vocabulary.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyModel } from '../../helpers/tinyModel.js';

const SPORTS = [
  'the team play game today',
  'the team play the game',
  'a game in the city today',
  'play the game',
  'the team went to play',
  'john smith play game',
];
const CITY = ['john lives in paris', 'london is a city', 'new york city', 'a visit to london', 'smith works in new york', 'the city of paris'];

/** 24 records, alternating classes: {"text", "label"} plain, with doccano's ["label"] shape on every third. */
export function classificationLines(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 12; i++) {
    const sports = { text: SPORTS[i % SPORTS.length], label: 'sports' };
    const city = { text: CITY[i % CITY.length], label: i % 3 === 0 ? ['city'] : 'city' };
    lines.push(JSON.stringify(sports), JSON.stringify(city));
  }
  return lines;
}

export interface SequenceWorkspace {
  root: string;
  modelDir: string;
  datasetFile: string;
}

export async function makeSequenceWorkspace(project: Record<string, unknown> = {}, lines = classificationLines()): Promise<SequenceWorkspace> {
  const root = await mkdtemp(join(tmpdir(), 'pasta-seq-'));
  const model = await writeTinyModel(join(root, 'model'), 'bert');
  await mkdir(join(root, '.pasta', 'datasets'), { recursive: true });
  const datasetFile = join(root, '.pasta', 'datasets', 'topics.jsonl');
  await writeFile(datasetFile, `${lines.join('\n')}\n`);
  const projectJson = {
    task: 'sequence',
    baseModel: model.dir,
    dev: { fraction: 0.25, seed: 1 },
    hyperparameters: { epochs: 2, batchSize: 4, learningRate: 0.01, threads: 1, device: 'cpu' },
    ...project,
  };
  await writeFile(join(root, '.pasta', 'project.json'), `${JSON.stringify(projectJson, null, 2)}\n`);
  return { root, modelDir: model.dir, datasetFile };
}
