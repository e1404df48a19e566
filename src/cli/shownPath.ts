import { isAbsolute, relative } from 'node:path';

/** A path as people read it: relative to the working folder when inside it, else absolute (never "../../.."). */
export function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
