/**
 * Whether a request is allowed, for requests within one account: explicit deny in any policy wins; otherwise
 * an allow in either the caller's identity-based policies or the resource's resource-based policy suffices
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html).
 *
 * A resource policy that names the account (`arn:aws:iam::111122223333:root` or `111122223333`) delegates to
 * the account's identity policies rather than granting by itself
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts).
 * KMS is stricter: no identity policy counts unless the key policy allows the account
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam).
 *
 * Why not a library: `@cloud-copilot/iam-simulate` is AGPL-3.0; `pbac` 0.3.2 (MIT), the only permissive
 * evaluator served, evaluates only the first key of a condition operator (`StringEquals: { a, b }` ignores b),
 * compares the key's own name when the request lacks the key (so `StringLike: { s3:prefix: '*' }` matches
 * without a prefix, and `…IfExists` never sees a missing key), matches action names case-sensitively, cannot
 * reach three-part keys (`kms:EncryptionContext:aws:logs:arn`), and rejects `Principal: "*"` and
 * `{ AWS: "*" }`, the form of our bucket policy (README.md of this folder).
 */
import { conditionHolds } from './condition-operators';
import { arnMatch, substituteVariables, wildcardMatch } from './patterns';
import { NamedPolicy, NormalStatement } from './policy-document';
import { RequestContext } from './request-context';

/** Who makes a request: a role session (a function's or a state machine's), or an AWS service itself. */
export type Principal =
  | { readonly kind: 'role'; readonly roleArn: string; readonly sessionArn: string; readonly account: string }
  | { readonly kind: 'service'; readonly service: string };

/** One authorization question: may the principal perform `action` on `resource`, given `context`? */
export interface AuthorizationCheck {
  readonly action: string;
  readonly resource: string;
  readonly context?: RequestContext;
}

export type PolicyType = 'identity-based' | 'resource-based';

export interface Decision {
  readonly allowed: boolean;
  readonly action: string;
  readonly resource: string;
  /** The principal as AWS names it in messages: the session ARN, or the service principal. */
  readonly principal: string;
  /** Why it was refused: an explicit deny, or no allow, in the named policy type. */
  readonly denial?: { readonly kind: 'explicit' | 'implicit'; readonly policyType: PolicyType; readonly policy?: string };
}

/** The policies that apply to one check. */
export interface ApplicablePolicies {
  readonly identity: readonly NamedPolicy[];
  readonly resource: readonly NamedPolicy[];
  /** The resource is a KMS key and `resource` holds its key policy. */
  readonly keyPolicy?: boolean;
}

export function principalName(principal: Principal): string {
  return principal.kind === 'role' ? principal.sessionArn : principal.service;
}

/** How a Principal element names the caller: directly, through its account (delegation), or not at all. */
function principalMatch(principals: '*' | Record<string, string[]>, principal: Principal): 'direct' | 'account' | undefined {
  if (principals === '*') return 'direct';
  if (principal.kind === 'service') return (principals.Service ?? []).includes(principal.service) ? 'direct' : undefined;
  let match: 'direct' | 'account' | undefined;
  for (const id of principals.AWS ?? []) {
    if (id === '*' || id === principal.roleArn || id === principal.sessionArn) return 'direct';
    if (id === principal.account || id === `arn:aws:iam::${principal.account}:root`) match = 'account';
  }
  return match;
}

function matchesAny(patterns: string[], value: string, match: (pattern: string, value: string) => boolean): boolean {
  return patterns.some((pattern) => match(pattern, value));
}

/** Whether the statement covers the check (not looking at Principal), its Condition included. */
function statementCovers(statement: NormalStatement, check: AuthorizationCheck, context: RequestContext): boolean {
  const actionMatch = (pattern: string, action: string) => wildcardMatch(pattern, action, true);
  if (statement.actions && !matchesAny(statement.actions, check.action, actionMatch)) return false;
  if (statement.notActions && matchesAny(statement.notActions, check.action, actionMatch)) return false;
  const resourceMatch = (pattern: string, resource: string) => {
    const substituted = substituteVariables(pattern, context);
    return substituted !== undefined && arnMatch(substituted, resource);
  };
  if (statement.resources && !matchesAny(statement.resources, check.resource, resourceMatch)) return false;
  if (statement.notResources && matchesAny(statement.notResources, check.resource, resourceMatch)) return false;
  return statement.conditions.every((c) => conditionHolds(c.operator, c.key, c.values, context));
}

/** How a resource-policy statement's Principal/NotPrincipal names the caller. */
function resourceStatementPrincipal(statement: NormalStatement, principal: Principal): 'direct' | 'account' | undefined {
  if (statement.principals) return principalMatch(statement.principals, principal);
  if (statement.notPrincipals) return principalMatch(statement.notPrincipals, principal) ? undefined : 'direct';
  return undefined;
}

function findStatement(policies: readonly NamedPolicy[], predicate: (s: NormalStatement) => boolean): NamedPolicy | undefined {
  return policies.find((policy) => policy.statements.some(predicate));
}

/** Evaluates one check for one principal against the policies that apply to it. */
export function evaluate(principal: Principal, check: AuthorizationCheck, policies: ApplicablePolicies): Decision {
  const context = check.context ?? {};
  const base = { action: check.action, resource: check.resource, principal: principalName(principal) };
  const identity = principal.kind === 'role' ? policies.identity : [];
  const covers = (effect: 'Allow' | 'Deny') => (s: NormalStatement) => s.effect === effect && statementCovers(s, check, context);
  const resourceCovers = (effect: 'Allow' | 'Deny', how?: 'direct' | 'account') => (s: NormalStatement) => {
    const match = resourceStatementPrincipal(s, principal);
    return match !== undefined && (how === undefined || match === how) && covers(effect)(s);
  };

  const identityDeny = findStatement(identity, covers('Deny'));
  if (identityDeny) return { ...base, allowed: false, denial: { kind: 'explicit', policyType: 'identity-based', policy: identityDeny.name } };
  const resourceDeny = findStatement(policies.resource, resourceCovers('Deny'));
  if (resourceDeny) return { ...base, allowed: false, denial: { kind: 'explicit', policyType: 'resource-based', policy: resourceDeny.name } };

  const resourceAllows = findStatement(policies.resource, resourceCovers('Allow', 'direct')) !== undefined;
  const identityAllows = findStatement(identity, covers('Allow')) !== undefined;
  const identityCounts = !policies.keyPolicy || findStatement(policies.resource, resourceCovers('Allow', 'account')) !== undefined;
  if (resourceAllows || (identityAllows && identityCounts)) return { ...base, allowed: true };

  const missing: PolicyType = principal.kind === 'service' || (identityAllows && !identityCounts) ? 'resource-based' : 'identity-based';
  return { ...base, allowed: false, denial: { kind: 'implicit', policyType: missing } };
}
