// Preloaded into a `pasta` child process (NODE_OPTIONS=--require) by the device-failure CLI test: the training
// session's run number PASTA_FAIL_TRAINING_RUN rejects as a provider that lost its device would, and every session
// asked of the provider PASTA_FAIL_SESSION_PROVIDER is refused as one that cannot create it. Only tests load it.
const ort = require('onnxruntime-node');

const failAt = Number(process.env.PASTA_FAIL_TRAINING_RUN);
const run = ort.InferenceSession.prototype.run;
let trainingRuns = 0;
ort.InferenceSession.prototype.run = function (feeds, ...rest) {
  if ('labels' in feeds && ++trainingRuns === failAt) return Promise.reject(new Error('[WebGPU] device lost (injected by the test)'));
  return run.call(this, feeds, ...rest);
};

const failProvider = process.env.PASTA_FAIL_SESSION_PROVIDER;
const create = ort.InferenceSession.create;
ort.InferenceSession.create = function (model, options, ...rest) {
  const providers = (options && options.executionProviders) || [];
  if (failProvider && providers.some((p) => (typeof p === 'string' ? p : p.name) === failProvider))
    return Promise.reject(new Error(`[${failProvider}] failed to create the session (injected by the test)`));
  return create.call(this, model, options, ...rest);
};
