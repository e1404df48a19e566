// JSON parsing that remembers the line of every value, so that a problem found after parsing (a field of the
// wrong type, a value out of range) can still name the line a person has to edit. JSON.parse gives neither
// positions for values nor, on Node 20, a line for syntax errors.
import { InputError } from '../data/types.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A path into a JSON value: object keys and array indices. */
export type JsonPath = readonly (string | number)[];

export interface JsonWithLines {
  value: JsonValue;
  /** The 1-based line where the value at `path` starts (for a missing key: its object's line). */
  lineOf(path: JsonPath): number;
}

/** Deeper nesting than any config file needs; refusing it keeps the recursion far from the stack limit. */
const MAX_DEPTH = 200;

export function parseJsonWithLines(text: string, file: string): JsonWithLines {
  const lines = new Map<string, number>();
  let pos = 0;
  let line = 1;
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;

  const fail = (problem: string): never => {
    throw new InputError(file, line, `invalid JSON: ${problem}`);
  };
  const skipWhitespace = () => {
    for (; pos < source.length; pos++) {
      const c = source.charCodeAt(pos);
      if (c === 0x0a) line++;
      else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
    }
  };
  const describeHere = () => (pos >= source.length ? 'the end of the file' : JSON.stringify(source.slice(pos, pos + 12)));

  const parseValue = (path: string, depth: number): JsonValue => {
    skipWhitespace();
    lines.set(path, line);
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    const c = source[pos];
    if (c === '{') return parseObject(path, depth);
    if (c === '[') return parseArray(path, depth);
    if (c === '"') return parseString();
    if (c === '-' || (c >= '0' && c <= '9')) return parseNumber();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (source.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    return fail(`expected a value, found ${describeHere()}`);
  };

  const parseObject = (path: string, depth: number): JsonValue => {
    const object: { [key: string]: JsonValue } = {};
    pos++;
    skipWhitespace();
    if (source[pos] === '}') {
      pos++;
      return object;
    }
    for (;;) {
      skipWhitespace();
      if (source[pos] !== '"') fail(`expected a property name in double quotes, found ${describeHere()}`);
      const key = parseString();
      skipWhitespace();
      if (source[pos] !== ':') fail(`expected ':' after property ${JSON.stringify(key)}, found ${describeHere()}`);
      pos++;
      // Own property even for "__proto__", as JSON.parse does.
      Object.defineProperty(object, key, { value: parseValue(`${path}/${escapeKey(key)}`, depth + 1), enumerable: true, writable: true, configurable: true });
      skipWhitespace();
      if (source[pos] === ',') {
        pos++;
        continue;
      }
      if (source[pos] === '}') {
        pos++;
        return object;
      }
      fail(`expected ',' or '}' after the value of ${JSON.stringify(key)}, found ${describeHere()}`);
    }
  };

  const parseArray = (path: string, depth: number): JsonValue => {
    const array: JsonValue[] = [];
    pos++;
    skipWhitespace();
    if (source[pos] === ']') {
      pos++;
      return array;
    }
    for (;;) {
      array.push(parseValue(`${path}/${array.length}`, depth + 1));
      skipWhitespace();
      if (source[pos] === ',') {
        pos++;
        continue;
      }
      if (source[pos] === ']') {
        pos++;
        return array;
      }
      fail(`expected ',' or ']' in an array, found ${describeHere()}`);
    }
  };

  const parseString = (): string => {
    const start = pos;
    pos++;
    for (; pos < source.length; pos++) {
      const c = source[pos];
      if (c === '\\') pos++;
      else if (c === '"') break;
      else if (c === '\n') fail('unterminated string');
    }
    if (pos >= source.length) fail('unterminated string');
    pos++;
    try {
      return JSON.parse(source.slice(start, pos)) as string;
    } catch {
      return fail(`invalid string ${source.slice(start, Math.min(pos, start + 40))}`);
    }
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const parseNumber = (): number => {
    NUMBER.lastIndex = pos;
    const match = NUMBER.exec(source);
    if (!match) return fail(`invalid number ${describeHere()}`);
    pos += match[0].length;
    return Number(match[0]);
  };

  const value = parseValue('', 0);
  skipWhitespace();
  if (pos < source.length) fail(`unexpected ${describeHere()} after the end of the JSON value`);

  return {
    value,
    lineOf(path: JsonPath): number {
      // The closest enclosing value that exists: a missing field is reported on its object's line.
      for (let n = path.length; n >= 0; n--) {
        const found = lines.get(pointer(path.slice(0, n)));
        if (found !== undefined) return found;
      }
      return 1;
    },
  };
}

/** "labels[2].name" style, for messages. */
export function formatJsonPath(path: JsonPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out === '' ? '(the top level)' : out;
}

function pointer(path: JsonPath): string {
  return path.map((part) => `/${escapeKey(String(part))}`).join('');
}

function escapeKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
