/** Training stopped for a reason the user can act on (an empty training set, divergence, a failing GPU). */
export class TrainingError extends Error {
  override name = 'TrainingError';
}
