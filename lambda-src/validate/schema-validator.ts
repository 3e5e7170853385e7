/**
 * A `json-schema` validator (`RecordValidator.fromJsonSchema`): each record, as an object of column name → field text, against a JSON
 * Schema with Ajv. Types are coerced (`coerceTypes`), so a schema may say `"type": "integer"`
 * of a column although every field arrives as text.
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { BatchValidator } from './batch-validator';
import { log } from '../shared/logger';

const compiled = new Map<string, ValidateFunction>();

/** Compiles the schema once per cold start (per distinct schema text). */
function compile(schemaText: string): ValidateFunction {
  let validate = compiled.get(schemaText);
  if (!validate) {
    const ajv = new Ajv({
      allErrors: true,
      strict: false,
      coerceTypes: true,
      logger: { log: () => undefined, warn: (message: string) => log.warn('record schema', { message }), error: (message: string) => log.error('record schema', { message }) },
    });
    validate = ajv.compile(JSON.parse(schemaText));
    compiled.set(schemaText, validate);
  }
  return validate;
}

/** The column an Ajv error is about, if any. */
function columnOf(error: ErrorObject): string | undefined {
  if (error.keyword === 'required') return String(error.params.missingProperty);
  if (error.keyword === 'additionalProperties') return String(error.params.additionalProperty);
  if (error.instancePath === '') return undefined;
  return error.instancePath.slice(1).split('/')[0].replace(/~1/g, '/').replace(/~0/g, '~');
}

function describe(error: ErrorObject): string {
  const p = error.params as Record<string, any>;
  switch (error.keyword) {
    case 'enum': return `must be one of ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'const': return `must be ${String(p.allowedValue)}`;
    case 'pattern': return `must match ${p.pattern}`;
    case 'maxLength': return `must be at most ${p.limit} characters`;
    case 'minLength': return p.limit === 1 ? 'must not be empty' : `must be at least ${p.limit} characters`;
    case 'required': return 'is required';
    case 'additionalProperties': return 'is not an expected column';
    case 'type': return `must be ${/^[aeiou]/.test(String(p.type)) ? 'an' : 'a'} ${p.type}`;
    case 'format': return `must be a valid ${p.format}`;
    default: return error.message ?? error.keyword;
  }
}

/** Readable reasons for Ajv errors, each naming its column: `Country: must be at most 50 characters`. */
export function reasonsOf(errors: readonly ErrorObject[]): string[] {
  const reasons = errors.map((error) => {
    const column = columnOf(error);
    return column === undefined ? describe(error) : `${column}: ${describe(error)}`;
  });
  return [...new Set(reasons)];
}

export function schemaValidator(schemaText: string): BatchValidator {
  const validate = compile(schemaText);
  return async (header, records) => records.map(({ fields }) => {
    const record: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) record[header[i]] = fields[i];
    return validate(record) ? { valid: true } : { valid: false, reasons: reasonsOf(validate.errors ?? []) };
  });
}
