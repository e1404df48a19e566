// PASTA adapters on disk (.pasta/adapters/<name>/adapter_config.json + adapter_model.safetensors): one import for
// the trainer, the predictor, the CLI and the extension.
export {
  ADAPTER_CONFIG_FILE,
  ADAPTER_TENSOR_NAMES,
  ADAPTER_WEIGHTS_FILE,
  adapterLabels,
  checkAdapterConfig,
  createAdapterConfig,
  expectedTensorShapes,
  labelMaps,
  labelsInOrder,
  numLabels,
  parseAdapterConfig,
  PASTA_STUDIO_VERSION,
  type NewAdapterConfig,
  type AdapterConfig,
  type AdapterTaskType,
  type AdapterTensorName,
  type AdapterTensors,
} from './adapterConfig.js';
export { ADAPTERS_DIR, adapterDir, adapterNameOf, adaptersRoot, checkAdapterName, isValidAdapterName } from './adapterPaths.js';
export { saveAdapter } from './adapterSave.js';
export { inspectAdapter, loadAdapter, type AdapterInfo, type LoadedAdapter } from './adapterLoad.js';
export { verifyAdapterForBase, type AdapterBase, type AdapterToVerify } from './adapterVerify.js';
export { listAdapters, removeAdapter, type AdapterListing, type AdapterSummary } from './adapterList.js';
