// A workspace's adapter for the prediction benchmarks: WNUT-17's labels on a base model folder, freshly initialised
// (values do not change the speed), saved as training saves one, so that predictions take the product's own path.
import { adapterDir, createAdapterConfig, saveAdapter } from '../src/core/adapter/index';
import { labelsInOrder } from '../src/core/adapter/adapterConfig';
import { fingerprintBaseModel } from '../src/core/model/fingerprint';
import { loadModelFolder } from '../src/core/model/modelFolder';
import { initParams } from '../src/core/pasta/runtime';
import { SeededRandom } from '../src/core/util/random';
import { WNUT17_LABELS } from './wnut17';

export async function saveBenchAdapter(workspace: string, modelDir: string, name: string): Promise<void> {
  const { config, files } = await loadModelFolder(modelDir);
  const adapterConfig = createAdapterConfig({
    task: 'TOKEN_CLS',
    baseModel: modelDir,
    fingerprint: await fingerprintBaseModel(config, files),
    specialTokenSlots: ['[CLS]', '[SEP]'],
    labels: WNUT17_LABELS,
    trainingDataFingerprint: `sha256:${'00'.repeat(32)}`,
  });
  const numLabels = labelsInOrder(adapterConfig).length;
  const params = initParams(config, 2, numLabels, new SeededRandom(1).next);
  const vectors = new Float32Array(config.num_hidden_layers * 2 * config.hidden_size);
  params.vectors.forEach((v, l) => vectors.set(v, l * v.length));
  await saveAdapter(adapterDir(workspace, name), adapterConfig, {
    pasta_vectors: { shape: [config.num_hidden_layers, 2, config.hidden_size], data: vectors },
    'classifier.weight': { shape: [numLabels, config.hidden_size], data: params.classifierWeight },
    'classifier.bias': { shape: [numLabels], data: params.classifierBias },
  });
}
