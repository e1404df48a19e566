// Every `pasta` command, in the order --help lists them. A new command is a file in commands/ and a line here.
import type { Command } from './command.js';
import { adaptersCommand } from './commands/adapters.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { exportModelCommand } from './commands/exportModel.js';
import { gpuCommand } from './commands/gpu.js';
import { importCommand } from './commands/import.js';
import { preannotateCommand } from './commands/preannotate.js';
import { predictCommand } from './commands/predict.js';
import { trainCommand } from './commands/train.js';

export const COMMANDS: readonly Command[] = [
  trainCommand,
  evalCommand,
  predictCommand,
  importCommand,
  preannotateCommand,
  exportCommand,
  exportModelCommand,
  adaptersCommand,
  gpuCommand,
];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}
