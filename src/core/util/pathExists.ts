import { stat } from 'node:fs/promises';

/** Whether something (a file or a folder) is at `path`; false also when it cannot be looked at. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
