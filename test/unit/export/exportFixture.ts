// An adapter of random values on a real base model folder, for the export tests and the extension-host suite (which
// is bundled without onnxruntime, so nothing here imports the engine). It goes through saveAdapter and loadAdapter
// like a trained one. Its vectors are large (std 1, where PASTA initialises at 0.02), so that vectors left out or put
// on the wrong tokens would change the logits; its head gives logits of a few units, as trained heads do.
import { adapterDir, createAdapterConfig, saveAdapter, type AdapterConfig, type AdapterTaskType } from '../../../src/core/adapter/index';
import { fingerprintBaseModel } from '../../../src/core/model/fingerprint';
import { loadModelFolder } from '../../../src/core/model/modelFolder';
import { SeededRandom } from '../../../src/core/util/random';

const HEAD_STD = 0.15;

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
  const random = new SeededRandom(fixture.seed);
  const normal = (std: number) => std * Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const H = base.hidden_size;
  const vectors = Float32Array.from({ length: base.num_hidden_layers * fixture.slots.length * H }, () => normal(1));
  const weight = Float32Array.from({ length: numLabels * H }, () => normal(HEAD_STD));
  const bias = Float32Array.from({ length: numLabels }, (_, i) => Math.sin(fixture.seed + i));
  await saveAdapter(adapterDir(workspace, name), config, {
    pasta_vectors: { shape: [base.num_hidden_layers, fixture.slots.length, H], data: vectors },
    'classifier.weight': { shape: [numLabels, H], data: weight },
    'classifier.bias': { shape: [numLabels], data: bias },
  });
  return config;
}
