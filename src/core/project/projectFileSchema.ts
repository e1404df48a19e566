// Checks a parsed project.json against schemas/project.schema.json, so that the schema editors use and the checks
// the CLI runs are one and the same. Only the keywords that schema uses are understood; any other keyword in it
// is a programming error, caught by the tests.
import type { JsonPath, JsonValue } from '../util/jsonWithLines.js';
import { isObject } from '../util/isObject.js';

export interface SchemaNode {
  type?: string | string[];
  enum?: JsonValue[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean;
  items?: SchemaNode;
  minItems?: number;
  anyOf?: SchemaNode[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: JsonValue;
  description?: string;
  title?: string;
  $schema?: string;
  $id?: string;
}

export const UNDERSTOOD_KEYWORDS: ReadonlySet<string> = new Set([
  'type',
  'enum',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'anyOf',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'default',
  'description',
  'title',
  '$schema',
  '$id',
]);

export interface SchemaViolation {
  path: JsonPath;
  /** Reads after the field's name: "must be an integer, found 1.5". */
  problem: string;
}

/** The first violation in document order, or undefined when `value` satisfies `schema`. */
export function firstViolation(schema: SchemaNode, value: JsonValue, path: JsonPath = []): SchemaViolation | undefined {
  const fail = (problem: string): SchemaViolation => ({ path, problem });

  if (schema.anyOf) {
    const matchingType = schema.anyOf.filter((option) => option.type === undefined || typeMatches(option.type, value));
    if (matchingType.length === 0)
      return fail(`must be ${schema.anyOf.map((option) => describeType(option.type ?? 'value')).join(' or ')}, found ${describeValue(value)}`);
    let first: SchemaViolation | undefined;
    for (const option of matchingType) {
      const violation = firstViolation(option, value, path);
      if (!violation) return undefined;
      first ??= violation;
    }
    return first;
  }
  if (schema.type !== undefined && !typeMatches(schema.type, value)) return fail(`must be ${describeType(schema.type)}, found ${describeValue(value)}`);
  if (schema.enum && !schema.enum.some((allowed) => allowed === value)) {
    return fail(`must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}, found ${describeValue(value)}`);
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      return fail(schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      return fail(`must be at most ${schema.maxLength} character${schema.maxLength === 1 ? '' : 's'}, found ${JSON.stringify(value)}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return fail(`${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return fail(`must be at least ${schema.minimum}, found ${value}`);
    if (schema.maximum !== undefined && value > schema.maximum) return fail(`must be at most ${schema.maximum}, found ${value}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return fail(`must be more than ${schema.exclusiveMinimum}, found ${value}`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return fail(`must be less than ${schema.exclusiveMaximum}, found ${value}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      return fail(`must hold at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`);
    if (schema.items) {
      for (let i = 0; i < value.length; i++) {
        const violation = firstViolation(schema.items, value[i], [...path, i]);
        if (violation) return violation;
      }
    }
  }
  if (isObject(value)) {
    for (const key of schema.required ?? []) {
      if (!(key in value)) return fail(`needs "${key}"`);
    }
    for (const [key, child] of Object.entries(value)) {
      const childSchema = schema.properties?.[key];
      if (!childSchema) {
        if (schema.additionalProperties === false) {
          const known = Object.keys(schema.properties ?? {}).filter((k) => k !== '$schema');
          return { path: [...path, key], problem: `is not a known field (known: ${known.join(', ')})` };
        }
        continue;
      }
      const violation = firstViolation(childSchema, child, [...path, key]);
      if (violation) return violation;
    }
  }
  return undefined;
}

function typeMatches(type: string | string[], value: JsonValue): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => {
    switch (t) {
      case 'object':
        return isObject(value);
      case 'array':
        return Array.isArray(value);
      case 'string':
        return typeof value === 'string';
      case 'number':
        return typeof value === 'number';
      case 'integer':
        return typeof value === 'number' && Number.isInteger(value);
      case 'boolean':
        return typeof value === 'boolean';
      case 'null':
        return value === null;
      default:
        throw new Error(`project schema: unknown type ${t}`);
    }
  });
}

function describeType(type: string | string[]): string {
  const article = (t: string) => (t === 'null' ? 'null' : t === 'integer' || t === 'object' || t === 'array' ? `an ${t}` : `a ${t}`);
  return (Array.isArray(type) ? type : [type]).map(article).join(' or ');
}

function describeValue(value: JsonValue): string {
  if (Array.isArray(value)) return 'an array';
  if (isObject(value)) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}
