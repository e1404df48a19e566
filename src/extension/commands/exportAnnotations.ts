import type { PastaCommand } from './context.js';
import { notYetAvailable } from './notYetAvailable.js';

export const exportAnnotations: PastaCommand = {
  id: 'pasta.exportAnnotations',
  run(): void {
    notYetAvailable('Export Annotations', 'the CoNLL and JSONL formats');
  },
};
