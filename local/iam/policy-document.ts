/**
 * IAM policy documents as they appear in a CloudFormation template (JSON policy grammar:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html), and their normal form,
 * checked once when the engine is built so that an element the engine does not model fails loudly then.
 */
import { isConditionOperator } from './condition-operators';

type OneOrMany<T> = T | T[];

/** `"*"`, or principals by type: `{ AWS: [...] }`, `{ Service: [...] }`, `{ Federated: [...] }`, `{ CanonicalUser: [...] }`. */
export type PrincipalElement = '*' | Record<string, OneOrMany<string>>;

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: OneOrMany<string>;
  readonly NotAction?: OneOrMany<string>;
  readonly Resource?: OneOrMany<string>;
  readonly NotResource?: OneOrMany<string>;
  readonly Principal?: PrincipalElement;
  readonly NotPrincipal?: PrincipalElement;
  /** `{ Operator: { contextKey: value | values } }` */
  readonly Condition?: Record<string, Record<string, OneOrMany<string | number | boolean>>>;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Id?: string;
  readonly Statement: OneOrMany<PolicyStatement>;
}

/** A statement with every list element as a list, and its principals by type. */
export interface NormalStatement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly actions?: string[];
  readonly notActions?: string[];
  readonly resources?: string[];
  readonly notResources?: string[];
  /** `'*'` (anyone) or principal identifiers by type. */
  readonly principals?: '*' | Record<string, string[]>;
  readonly notPrincipals?: '*' | Record<string, string[]>;
  readonly conditions: Array<{ operator: string; key: string; values: string[] }>;
}

/** A policy with where it came from, for messages. */
export interface NamedPolicy {
  /** e.g. `inline policy OrdersSplitInputServiceRoleDefaultPolicy73AD2B8D`, `bucket policy of orders-bucket`. */
  readonly name: string;
  readonly statements: NormalStatement[];
}

const STATEMENT_ELEMENTS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition']);

const list = <T>(value: OneOrMany<T> | undefined): T[] | undefined => (value === undefined ? undefined : [value].flat() as T[]);

function principalsOf(value: PrincipalElement | undefined): '*' | Record<string, string[]> | undefined {
  if (value === undefined || value === '*') return value;
  return Object.fromEntries(Object.entries(value).map(([type, ids]) => [type, list(ids)!.map(String)]));
}

/** Normalizes a document, throwing on anything the engine would otherwise misread. */
export function normalizeDocument(document: PolicyDocument, name: string): NamedPolicy {
  const statements = list(document.Statement) ?? [];
  return {
    name,
    statements: statements.map((statement, index) => {
      const where = `${name}, statement ${statement.Sid ?? index}`;
      const unknown = Object.keys(statement).filter((k) => !STATEMENT_ELEMENTS.has(k));
      if (unknown.length) throw new Error(`${where}: unknown policy element ${unknown.join(', ')}`);
      if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') throw new Error(`${where}: Effect must be Allow or Deny, got ${JSON.stringify(statement.Effect)}`);
      if ((statement.Action === undefined) === (statement.NotAction === undefined)) throw new Error(`${where}: needs exactly one of Action and NotAction`);
      if (statement.Resource !== undefined && statement.NotResource !== undefined) throw new Error(`${where}: has both Resource and NotResource`);
      const conditions = Object.entries(statement.Condition ?? {}).flatMap(([operator, entries]) => {
        if (!isConditionOperator(operator)) throw new Error(`${where}: condition operator ${operator} is not modelled by the local IAM engine`);
        return Object.entries(entries).map(([key, values]) => ({ operator, key, values: list(values)!.map(String) }));
      });
      return {
        sid: statement.Sid,
        effect: statement.Effect,
        actions: list(statement.Action),
        notActions: list(statement.NotAction),
        resources: list(statement.Resource),
        notResources: list(statement.NotResource),
        principals: principalsOf(statement.Principal),
        notPrincipals: principalsOf(statement.NotPrincipal),
        conditions,
      };
    }),
  };
}
