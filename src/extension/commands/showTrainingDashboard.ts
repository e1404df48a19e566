import type { PastaCommand } from './context.js';

/** Opens the training dashboard: the run in progress, else the last run of this workspace. */
export const showTrainingDashboard: PastaCommand = {
  id: 'pasta.showTrainingDashboard',
  run(ctx): boolean {
    ctx.dashboard.show(false);
    return true;
  },
};
