/**
 * EventBridge event patterns, the part of the content-filtering language this project's rules
 * and aws-cdk-lib's `onEvent`-style rules use
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html and
 * .../eb-create-pattern-operators.html): exact values (a list matches any of them; an array in
 * the event matches when any element does), nested objects, `prefix`, `suffix`,
 * `equals-ignore-case`, `anything-but` (values, or a `prefix`), `exists` and `numeric`. Any other
 * operator is refused with an error naming it rather than matched wrongly.
 */
import { EventPattern } from '../template/event-rules';

export class UnsupportedPatternError extends Error {
  constructor(operator: string) {
    super(`the local EventBridge does not implement the pattern operator "${operator}"`);
    this.name = 'UnsupportedPatternError';
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function numericMatches(conditions: readonly unknown[], value: unknown): boolean {
  if (typeof value !== 'number') return false;
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const [op, bound] = [conditions[i], Number(conditions[i + 1])];
    const ok = op === '=' ? value === bound : op === '<' ? value < bound : op === '<=' ? value <= bound : op === '>' ? value > bound : op === '>=' ? value >= bound : undefined;
    if (ok === undefined) throw new UnsupportedPatternError(`numeric ${String(op)}`);
    if (!ok) return false;
  }
  return true;
}

/** Whether one event value (never an array) satisfies one element of a pattern's list. */
function valueMatches(condition: unknown, value: unknown, present: boolean): boolean {
  if (!isObject(condition)) return present && condition === value;
  const [operator, operand] = Object.entries(condition)[0] ?? [];
  switch (operator) {
    case 'exists': return operand === present;
    case 'prefix': return present && typeof value === 'string' && typeof operand === 'string' && value.startsWith(operand);
    case 'suffix': return present && typeof value === 'string' && typeof operand === 'string' && value.endsWith(operand);
    case 'equals-ignore-case': return present && typeof value === 'string' && typeof operand === 'string' && value.toLowerCase() === operand.toLowerCase();
    case 'numeric': return present && numericMatches(operand as unknown[], value);
    case 'anything-but': {
      if (!present) return false;
      if (isObject(operand)) {
        if (typeof operand.prefix !== 'string') throw new UnsupportedPatternError(`anything-but ${Object.keys(operand)[0]}`);
        return !(typeof value === 'string' && value.startsWith(operand.prefix));
      }
      return ![operand].flat().includes(value);
    }
    default: throw new UnsupportedPatternError(String(operator));
  }
}

function fieldMatches(conditions: readonly unknown[], value: unknown, present: boolean): boolean {
  const values = Array.isArray(value) ? value : [value];
  return conditions.some((condition) => (present ? values.some((v) => valueMatches(condition, v, true)) : valueMatches(condition, undefined, false)));
}

/** Whether `event` matches `pattern`: every field of the pattern must match. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  const fields = isObject(event) ? event : {};
  return Object.entries(pattern).every(([name, condition]) => {
    const present = Object.prototype.hasOwnProperty.call(fields, name);
    if (Array.isArray(condition)) return fieldMatches(condition, fields[name], present);
    return present && isObject(fields[name]) && matchesPattern(condition as EventPattern, fields[name]);
  });
}
