/**
 * Wildcards and policy variables, as IAM matches them.
 * - `*` matches any run of characters (also none), `?` any one character:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
 * - ARNs match component by component (partition, service, region, account, then the resource part, whose
 *   wildcards may span `/` and `:`, as in `execution:MyMachine*`):
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 * - `${key}` is replaced by the request's value of `key`, `${key, 'default'}` falls back to the default, and
 *   `${*}`, `${?}`, `${$}` stand for the literal characters:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
import { contextValue, RequestContext } from './request-context';

const patternCache = new Map<string, RegExp>();

/** Whether `value` matches `pattern` with `*` and `?` wildcards. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const cacheKey = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = patternCache.get(cacheKey);
  if (!regex) {
    const body = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
    regex = new RegExp(`^${body}$`, ignoreCase ? 'si' : 's');
    patternCache.set(cacheKey, regex);
  }
  return regex.test(value);
}

/** The six components of an ARN (the last one may hold `:` and `/`), or undefined if it is not an ARN. */
function arnComponents(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** Whether `arn` matches the ARN pattern: `*` alone matches everything; otherwise component by component. */
export function arnMatch(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const want = arnComponents(pattern);
  const have = arnComponents(arn);
  if (!want || !have) return wildcardMatch(pattern, arn);
  return want.every((component, i) => wildcardMatch(component, have[i]));
}

const LITERALS: Record<string, string> = { '*': '*', '?': '?', '$': '$' };

/** Replaces the policy variables in `text`; undefined when one has no value (the element then matches nothing). */
export function substituteVariables(text: string, context: RequestContext): string | undefined {
  let missing = false;
  const result = text.replace(/\$\{([^}]+)\}/g, (_, inner: string) => {
    const literal = LITERALS[inner.trim()];
    if (literal) return literal;
    const [, key, fallback] = /^\s*([^,\s]+)\s*(?:,\s*'([^']*)')?\s*$/.exec(inner) ?? [];
    const value = key === undefined ? undefined : contextValue(context, key);
    if (value !== undefined && !Array.isArray(value)) return String(value);
    if (fallback !== undefined) return fallback;
    missing = true;
    return '';
  });
  return missing ? undefined : result;
}
