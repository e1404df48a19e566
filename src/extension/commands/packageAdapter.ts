import { requireTrust } from '../trust.js';
import type { PastaCommand } from './context.js';
import { notYetAvailable } from './notYetAvailable.js';

export const packageAdapter: PastaCommand = {
  id: 'pasta.packageAdapter',
  run(): boolean {
    if (!requireTrust('packaging an adapter')) return false;
    notYetAvailable('Package Adapter into Repository', 'the training engine');
    return false;
  },
};
