// One-line, user-facing errors for model files: `<file>: <problem>`.
import { InputError } from '../data/types.js';

const MAX_QUOTED_LENGTH = 120;

/** Collapses anything that would break the one-line contract (newlines, control characters) and bounds the length. */
export function oneLine(text: string, maxLength = 400): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
  return flat.length > maxLength ? `${flat.slice(0, maxLength)}...` : flat;
}

/** A name from a file (tensor name, JSON key) quoted for a message, escaped and shortened. */
export function quoteName(name: string): string {
  const escaped = JSON.stringify(name).slice(1, -1);
  const short = escaped.length > MAX_QUOTED_LENGTH ? `${escaped.slice(0, MAX_QUOTED_LENGTH)}...` : escaped;
  return `'${short}'`;
}

export function fileError(file: string, problem: string): InputError {
  return new InputError(oneLine(file, 1000), undefined, oneLine(problem));
}

/** Turns a Node file-system error into a one-line InputError; anything else is rethrown as is. */
export function ioError(file: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return fileError(file, 'not found');
    case 'EISDIR':
      return fileError(file, 'is a directory, expected a file');
    case 'EACCES':
    case 'EPERM':
      return fileError(file, 'permission denied');
    default:
      if (code) return fileError(file, `cannot read (${code})`);
      throw error;
  }
}
