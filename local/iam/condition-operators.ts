/**
 * IAM condition operators, as documented in
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html and
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html:
 * - several values for one key: a match with any of them (OR); for a negated operator (`StringNotEquals`…),
 *   a match with none of them (NOR);
 * - a key the request does not carry: positive operators are false, negated operators are true, `…IfExists`
 *   is true, `Null: true` is true;
 * - `ForAllValues:` is true when every value of a multivalued key matches (and when the key is absent or empty);
 *   `ForAnyValue:` when at least one does (false when the key is absent or empty).
 * A multivalued key under a plain operator is read as ForAnyValue (positive) or ForAllValues (negated): AWS
 * advises against that use, and says no more.
 */
import { arnMatch, substituteVariables, wildcardMatch } from './patterns';
import { contextValue, ContextValue, RequestContext } from './request-context';

type Matcher = (contextValue: string, policyValue: string) => boolean;

const toDate = (value: string) => (/^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value));
const numeric = (compare: (a: number, b: number) => boolean): Matcher => (a, b) => {
  const [x, y] = [Number(a), Number(b)];
  return !Number.isNaN(x) && !Number.isNaN(y) && compare(x, y);
};
const dated = (compare: (a: number, b: number) => boolean): Matcher => (a, b) => {
  const [x, y] = [toDate(a), toDate(b)];
  return !Number.isNaN(x) && !Number.isNaN(y) && compare(x, y);
};

function ipv4ToNumber(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** IPv4 addresses against an address or CIDR block; other forms (IPv6) compare as text. */
const ipMatch: Matcher = (address, block) => {
  const [network, bitsText] = block.split('/');
  const [ip, net] = [ipv4ToNumber(address), ipv4ToNumber(network)];
  if (ip === undefined || net === undefined) return address.toLowerCase() === block.toLowerCase();
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(net / size);
};

/** Each operator's positive form; `negates` marks the operators that are true when their positive form is not. */
const OPERATORS: Record<string, { matches: Matcher; negates?: boolean; variables?: boolean }> = {
  StringEquals: { matches: (a, b) => a === b, variables: true },
  StringNotEquals: { matches: (a, b) => a === b, negates: true, variables: true },
  StringEqualsIgnoreCase: { matches: (a, b) => a.toLowerCase() === b.toLowerCase(), variables: true },
  StringNotEqualsIgnoreCase: { matches: (a, b) => a.toLowerCase() === b.toLowerCase(), negates: true, variables: true },
  StringLike: { matches: (a, b) => wildcardMatch(b, a), variables: true },
  StringNotLike: { matches: (a, b) => wildcardMatch(b, a), negates: true, variables: true },
  NumericEquals: { matches: numeric((a, b) => a === b) },
  NumericNotEquals: { matches: numeric((a, b) => a === b), negates: true },
  NumericLessThan: { matches: numeric((a, b) => a < b) },
  NumericLessThanEquals: { matches: numeric((a, b) => a <= b) },
  NumericGreaterThan: { matches: numeric((a, b) => a > b) },
  NumericGreaterThanEquals: { matches: numeric((a, b) => a >= b) },
  DateEquals: { matches: dated((a, b) => a === b) },
  DateNotEquals: { matches: dated((a, b) => a === b), negates: true },
  DateLessThan: { matches: dated((a, b) => a < b) },
  DateLessThanEquals: { matches: dated((a, b) => a <= b) },
  DateGreaterThan: { matches: dated((a, b) => a > b) },
  DateGreaterThanEquals: { matches: dated((a, b) => a >= b) },
  Bool: { matches: (a, b) => a.toLowerCase() === b.toLowerCase() },
  BinaryEquals: { matches: (a, b) => a === b },
  IpAddress: { matches: ipMatch },
  NotIpAddress: { matches: ipMatch, negates: true },
  ArnEquals: { matches: (a, b) => arnMatch(b, a), variables: true },
  ArnLike: { matches: (a, b) => arnMatch(b, a), variables: true },
  ArnNotEquals: { matches: (a, b) => arnMatch(b, a), negates: true, variables: true },
  ArnNotLike: { matches: (a, b) => arnMatch(b, a), negates: true, variables: true },
};

interface ParsedOperator {
  readonly set?: 'ForAllValues' | 'ForAnyValue';
  readonly base: string;
  readonly ifExists: boolean;
}

function parseOperator(operator: string): ParsedOperator | undefined {
  const [, set, base, ifExists] = /^(?:(ForAllValues|ForAnyValue):)?(.+?)(IfExists)?$/.exec(operator) ?? [];
  if (base === 'Null') return set || ifExists ? undefined : { base, ifExists: false };
  if (!base || !(base in OPERATORS)) return undefined;
  return { set: set as ParsedOperator['set'], base, ifExists: Boolean(ifExists) };
}

export function isConditionOperator(operator: string): boolean {
  return parseOperator(operator) !== undefined;
}

const asStrings = (value: ContextValue): string[] => (Array.isArray(value) ? value : [String(value)]);

/** Whether one `Operator: { key: values }` entry of a Condition block holds for the request. */
export function conditionHolds(operator: string, key: string, policyValues: string[], context: RequestContext): boolean {
  const parsed = parseOperator(operator);
  if (!parsed) throw new Error(`condition operator ${operator} is not modelled by the local IAM engine`);
  const value = contextValue(context, key);
  const absent = value === undefined || (Array.isArray(value) && value.length === 0);
  if (parsed.base === 'Null') return policyValues.some((v) => v.toLowerCase() === String(absent));

  const { matches, negates, variables } = OPERATORS[parsed.base];
  const expected = variables ? policyValues.map((v) => substituteVariables(v, context)) : policyValues;
  // One context value against the policy values: any of them (OR), or for a negated operator none (NOR).
  const holdsFor = (v: string) => {
    const anyMatch = expected.some((p) => p !== undefined && matches(v, p));
    return negates ? !anyMatch : anyMatch;
  };

  if (parsed.set === 'ForAllValues') return absent || asStrings(value!).every(holdsFor);
  if (parsed.set === 'ForAnyValue') return absent ? parsed.ifExists : asStrings(value!).some(holdsFor);
  if (absent) return parsed.ifExists || Boolean(negates);
  const values = asStrings(value!);
  return negates ? values.every(holdsFor) : values.some(holdsFor);
}
