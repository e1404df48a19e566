// Preloaded into a `pasta` child process (NODE_OPTIONS=--require) by the device-failure CLI test: the training
// session's run number PASTA_FAIL_TRAINING_RUN rejects as a provider that lost its device would. Only tests load it.
const ort = require('onnxruntime-node');

const failAt = Number(process.env.PASTA_FAIL_TRAINING_RUN);
const run = ort.InferenceSession.prototype.run;
let trainingRuns = 0;
ort.InferenceSession.prototype.run = function (feeds, ...rest) {
  if ('labels' in feeds && ++trainingRuns === failAt) return Promise.reject(new Error('[WebGPU] device lost (injected by the test)'));
  return run.call(this, feeds, ...rest);
};
