// `pasta --version`: the version adapters record as pasta_studio_version.
export { PASTA_STUDIO_VERSION } from '../core/adapter/adapterConfig.js';
