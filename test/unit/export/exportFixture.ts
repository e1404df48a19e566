// A workspace with an adapter of random values on a real base model folder, for the export tests: the adapter goes
// through saveAdapter and loadAdapter like a trained one. Its vectors are large (std 1, where PASTA initialises at
// 0.02), so that vectors left out or put on the wrong tokens would change the logits; its head gives logits of a
// few units, as trained heads do.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adapterDir, createAdapterConfig, saveAdapter, type AdapterConfig, type AdapterTaskType } from '../../../src/core/adapter/index';
import { fingerprintBaseModel } from '../../../src/core/model/fingerprint';
import { loadModelFolder } from '../../../src/core/model/modelFolder';
import { initParams } from '../../../src/core/pasta/runtime';
import { SeededRandom } from '../../../src/core/util/random';

export const SAMPLE_WORKSPACE = join(import.meta.dirname, '../../../samples/workspace');

/** Every non-empty line of the sample workspace's text files. */
export function sampleLines(): string[] {
  const dir = join(SAMPLE_WORKSPACE, 'news');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
    .filter((line) => line.trim() !== '');
}

const HEAD_SCALE = 0.15;

export interface AdapterFixture {
  task: AdapterTaskType;
  labels: string[];
  slots: string[];
  seed: number;
  textPair?: boolean;
  /** A different sha256 than the base's, to make a mismatching adapter. */
  fingerprintOverride?: string;
}

export async function saveRandomAdapter(workspace: string, name: string, baseDir: string, fixture: AdapterFixture, cacheDir: string): Promise<AdapterConfig> {
  const { config: base, files } = await loadModelFolder(baseDir);
  const fingerprint = await fingerprintBaseModel(base, files, { cacheDir });
  const config = createAdapterConfig({
    task: fixture.task,
    baseModel: baseDir,
    fingerprint: fixture.fingerprintOverride ? { ...fingerprint, sha256: fixture.fingerprintOverride } : fingerprint,
    specialTokenSlots: fixture.slots,
    textPair: fixture.textPair,
    labels: fixture.labels,
    trainingDataFingerprint: `sha256:${'cd'.repeat(32)}`,
    metrics: { dev: { overall: { precision: 0.5, recall: 0.25, f1: 1 / 3 } } },
  });
  const numLabels = Object.keys(config.id2label).length;
  const params = initParams({ ...base, initializer_range: 1 }, fixture.slots.length, numLabels, new SeededRandom(fixture.seed).next);
  const H = base.hidden_size;
  const vectors = new Float32Array(base.num_hidden_layers * fixture.slots.length * H);
  params.vectors.forEach((v, l) => vectors.set(v, l * v.length));
  const bias = Float32Array.from(params.classifierBias, (_, i) => Math.sin(fixture.seed + i));
  await saveAdapter(adapterDir(workspace, name), config, {
    pasta_vectors: { shape: [base.num_hidden_layers, fixture.slots.length, H], data: vectors },
    'classifier.weight': { shape: [numLabels, H], data: params.classifierWeight.map((w) => w * HEAD_SCALE) },
    'classifier.bias': { shape: [numLabels], data: bias },
  });
  return config;
}
