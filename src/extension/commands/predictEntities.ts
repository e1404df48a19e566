import { requireTrust } from '../trust.js';
import type { PastaCommand } from './context.js';
import { notYetAvailable } from './notYetAvailable.js';

export const predictEntities: PastaCommand = {
  id: 'pasta.predictEntities',
  run(): boolean {
    if (!requireTrust('prediction')) return false;
    notYetAvailable('Predict Entities in Current File', 'the training engine');
    return false;
  },
};
