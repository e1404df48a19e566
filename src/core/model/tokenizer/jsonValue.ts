// Typed access to parsed JSON that fails with a one-line InputError naming the file and the field.

import { InputError } from '../../data/types';

type Json = unknown;

export class JsonValue {
  constructor(
    readonly value: Json,
    readonly file: string,
    /** Where the value sits, e.g. "model.vocab" or "normalizer.normalizers[2]". */
    readonly path: string,
  ) {}

  static parse(text: string, file: string): JsonValue {
    try {
      return new JsonValue(JSON.parse(text) as Json, file, '');
    } catch (error) {
      const message = oneLine((error as Error).message);
      const position = /position (\d+)/.exec(message);
      const line = position ? lineAt(text, Number(position[1])) : undefined;
      throw new InputError(file, line, `not valid JSON (${message})`);
    }
  }

  fail(problem: string): never {
    throw new InputError(this.file, undefined, this.path ? `${this.path}: ${problem}` : problem);
  }

  get isNull(): boolean {
    return this.value === null || this.value === undefined;
  }

  has(key: string): boolean {
    return this.isObject && Object.prototype.hasOwnProperty.call(this.value, key);
  }

  get isObject(): boolean {
    return typeof this.value === 'object' && this.value !== null && !Array.isArray(this.value);
  }

  /** The field `key` of this object (absent fields read as null). */
  get(key: string): JsonValue {
    if (!this.isObject) this.fail(`expected an object, found ${describe(this.value)}`);
    const child = this.has(key) ? (this.value as Record<string, Json>)[key] : undefined;
    return new JsonValue(child, this.file, this.path ? `${this.path}.${key}` : key);
  }

  entries(): [string, JsonValue][] {
    if (!this.isObject) this.fail(`expected an object, found ${describe(this.value)}`);
    return Object.keys(this.value as object).map((key) => [key, this.get(key)]);
  }

  items(): JsonValue[] {
    if (!Array.isArray(this.value)) this.fail(`expected an array, found ${describe(this.value)}`);
    return (this.value as Json[]).map((item, i) => new JsonValue(item, this.file, `${this.path}[${i}]`));
  }

  string(): string {
    if (typeof this.value !== 'string') this.fail(`expected a string, found ${describe(this.value)}`);
    return this.value as string;
  }

  optionalString(): string | undefined {
    return this.isNull ? undefined : this.string();
  }

  boolean(fallback?: boolean): boolean {
    if (this.isNull && fallback !== undefined) return fallback;
    if (typeof this.value !== 'boolean') this.fail(`expected true or false, found ${describe(this.value)}`);
    return this.value as boolean;
  }

  optionalBoolean(): boolean | undefined {
    return this.isNull ? undefined : this.boolean();
  }

  /** A non-negative integer below `limit`. */
  index(limit = 2 ** 31, fallback?: number): number {
    if (this.isNull && fallback !== undefined) return fallback;
    const v = this.value;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= limit) {
      this.fail(`expected an integer in [0, ${limit}), found ${describe(v)}`);
    }
    return v as number;
  }
}

export function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

function lineAt(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < position && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function describe(value: Json): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(oneLine(value, 40))}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${oneLine(String(value), 40)}`;
}
