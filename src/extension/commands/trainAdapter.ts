import { requireTrust } from '../trust.js';
import type { PastaCommand } from './context.js';
import { notYetAvailable } from './notYetAvailable.js';

export const trainAdapter: PastaCommand = {
  id: 'pasta.trainAdapter',
  run(): boolean {
    if (!requireTrust('training')) return false;
    notYetAvailable('Train Adapter', 'the training engine');
    return false;
  },
};
