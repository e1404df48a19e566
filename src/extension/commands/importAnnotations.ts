import type { PastaCommand } from './context.js';
import { notYetAvailable } from './notYetAvailable.js';

export const importAnnotations: PastaCommand = {
  id: 'pasta.importAnnotations',
  run(): void {
    notYetAvailable('Import Annotations', 'the CoNLL and JSONL formats');
  },
};
