/**
 * The local cloud's IAM: built from the synthesized template, it issues each function and state machine its
 * own credentials, names the caller of a signed request, turns the request into the checks AWS makes,
 * evaluates them against the template's policies, renders refusals as the service would, and keeps a log of
 * every refusal for the run's report. See README.md in this folder for how the stand-ins use it.
 */
import { accessDeniedResponse, authenticationFailureResponse, HttpResponse, LocalService } from './access-denied-responses';
import { accessKeyIdOf, LocalCredentials, localCredentials } from './caller-credentials';
import { dynamodbCallOfRequest, dynamodbChecks } from './dynamodb-requests';
import { eventsChecksOfRequest } from './events-requests';
import { executeApiChecksOfRequest, LocalApiStage } from './execute-api-requests';
import { lambdaChecksOfRequest } from './lambda-requests';
import { arnMatch } from './patterns';
import { PolicyDocument } from './policy-document';
import { AuthorizationCheck, Decision, evaluate, Principal, principalName } from './policy-evaluation';
import { RequestContext } from './request-context';
import { missingObjectCheck, s3CallChecks, s3CallOfRequest } from './s3-requests';
import { sesChecksOfRequest, SesOptions } from './ses-requests';
import { stepFunctionsChecksOfRequest } from './step-functions-requests';
import { TemplatePolicies, templatePolicies } from './template-policies';
import { HttpRequest } from '../shared/http-request';
import { CfnTemplate, LocalEnvironment } from '../template/token-resolver';

export interface IamEngineOptions {
  /** The synthesized template, tokens unresolved (`CloudAssembly.template`). */
  readonly template: CfnTemplate;
  readonly env: LocalEnvironment;
  /**
   * What `aws:SecureTransport` is for requests to the stand-ins. They speak plain HTTP on loopback, while the
   * same SDK code uses HTTPS against AWS: `assume-tls` (the default) sets it true, so bucket policies that deny
   * non-TLS requests (`enforceSSL`) judge the code, not the local transport; `from-request` sets it false,
   * as AWS would for a plain-HTTP request.
   * @default 'assume-tls'
   */
  readonly secureTransport?: 'assume-tls' | 'from-request';
  /** How SES authorizes recipients. @default - not in the sandbox; every address is its own verified identity */
  readonly ses?: SesOptions;
  /** The REST APIs' stages served locally (`CloudAssembly.restApis`), for `execute-api`. @default - none */
  readonly restApis?: readonly LocalApiStage[];
  /** Documents of AWS managed policies the template attaches beyond the ones shipped (`managed-policies.ts`). */
  readonly managedPolicies?: Readonly<Record<string, PolicyDocument>>;
  /** The clock for `aws:CurrentTime`/`aws:EpochTime`. @default - the system clock */
  readonly now?: () => Date;
  /**
   * Access keys whose requests are not checked: the local cloud's own (its set-up and collection, and the calls
   * it makes for Step Functions and other services, whose checks are asked directly with `authorize`).
   * @default - none
   */
  readonly trustedAccessKeyIds?: readonly string[];
}

/** A caller the engine knows: a function's or state machine's role session, or an AWS service. */
export interface Caller {
  readonly principal: Principal;
  /** The function name or state machine ARN whose credentials these are (role callers). */
  readonly runs?: string;
  readonly credentials?: LocalCredentials;
}

/** One refusal, as the run's report lists it (`stats.accessDenied`). */
export interface AccessDenied {
  /** The session ARN (`arn:aws:sts::<account>:assumed-role/<role>/<session>`) or service principal. */
  readonly caller: string;
  readonly action: string;
  readonly resource: string;
}

export type RequestVerdict =
  /** `caller` is undefined for requests that need no authorization (a REST API method without IAM auth). */
  | { readonly allowed: true; readonly caller?: Caller; readonly decisions: readonly Decision[] }
  | {
    readonly allowed: false;
    readonly caller?: Caller;
    /** Every check's decision (empty when the caller is unknown). */
    readonly decisions: readonly Decision[];
    /** What the service answers: write it instead of forwarding the request. */
    readonly response: HttpResponse;
  };

const MAX_CACHED_DECISIONS = 20_000;

export class IamEngine {
  /** Every refusal so far, in order. */
  public readonly accessDenied: AccessDenied[] = [];
  public readonly policies: TemplatePolicies;
  private readonly callersByKey = new Map<string, Caller>();
  private readonly callersByRunner = new Map<string, Caller>();
  private readonly trusted: ReadonlySet<string>;
  /**
   * Decisions already made, by caller, check and context: most requests repeat one (the same function, action
   * and table or function), and evaluating every statement of a role costs more than the lookup. Undefined when
   * a policy reads the clock (`aws:CurrentTime`, `aws:EpochTime`), whose value changes between two requests.
   */
  private readonly decisions?: Map<string, Decision>;

  constructor(private readonly options: IamEngineOptions) {
    this.policies = templatePolicies(options.template, options.env, { managedPolicies: options.managedPolicies });
    this.trusted = new Set(options.trustedAccessKeyIds ?? []);
    const allPolicies = [...this.policies.roles.values(), this.policies.resourcePolicies.map((p) => p.policy)];
    if (!/aws:(CurrentTime|EpochTime)/i.test(JSON.stringify(allPolicies))) this.decisions = new Map();
    const sessions: Array<[string, string, string]> = [
      // Lambda names a function's role session after the function.
      ...[...this.policies.functionRoles].map(([name, role]): [string, string, string] => [name, role, name]),
      // Step Functions names its sessions with a random id; locally the state machine's name stands in for it.
      ...[...this.policies.stateMachineRoles].map(([arn, role]): [string, string, string] => [arn, role, arn.split(':').pop()!]),
    ];
    for (const [runs, roleArn, sessionName] of sessions) {
      const [, , , , account, resource] = roleArn.split(':');
      const principal: Principal = { kind: 'role', roleArn, account, sessionArn: `arn:aws:sts::${account}:assumed-role/${resource.split('/').pop()}/${sessionName}` };
      const caller: Caller = { principal, runs, credentials: localCredentials(roleArn, sessionName) };
      this.callersByKey.set(caller.credentials!.accessKeyId, caller);
      this.callersByRunner.set(runs, caller);
    }
  }

  /** The caller a function (by name) or state machine (by ARN) runs as. */
  public callerFor(functionNameOrStateMachineArn: string): Caller {
    const caller = this.callersByRunner.get(functionNameOrStateMachineArn);
    if (!caller) throw new Error(`local IAM: no function or state machine ${functionNameOrStateMachineArn} in the template`);
    return caller;
  }

  /** Every issued key pair: the stand-ins that verify signatures (s3rver) must know them all. */
  public issuedCredentials(): Caller[] {
    return [...this.callersByRunner.values()];
  }

  /** An AWS service calling on its own behalf (S3 delivering an event, API Gateway invoking its integration). */
  public serviceCaller(service: string): Caller {
    return { principal: { kind: 'service', service } };
  }

  /** The caller of a signed request, undefined when it is unsigned or signed with a key the engine did not issue. */
  public callerOf(request: HttpRequest): Caller | undefined {
    const key = accessKeyIdOf(request);
    return key === undefined ? undefined : this.callersByKey.get(key);
  }

  /** The checks AWS makes for a request to `service` (throws `UnmappedRequestError` for calls it cannot map). */
  public checksFor(service: LocalService, request: HttpRequest): AuthorizationCheck[] {
    const { env } = this.options;
    const transport = this.transportContext();
    const checks = (() => {
      switch (service) {
        case 's3': return s3CallChecks(s3CallOfRequest(request), this.policies.bucketKeys);
        case 'dynamodb': {
          const { operation, body } = dynamodbCallOfRequest(request);
          return dynamodbChecks(operation, body, env);
        }
        case 'states': return stepFunctionsChecksOfRequest(request);
        case 'events': return eventsChecksOfRequest(request, env);
        case 'lambda': return lambdaChecksOfRequest(request, env);
        case 'ses': return sesChecksOfRequest(request, env, this.options.ses ?? {});
        case 'execute-api': return executeApiChecksOfRequest(request, this.options.restApis ?? [], this.policies.iamAuthorizedMethods, env);
      }
    })();
    return checks.map((check) => ({ ...check, context: { ...transport, ...check.context } }));
  }

  /**
   * Authenticates and authorizes a request to a stand-in. Allowed: forward it. Refused: answer `response`.
   * An unsigned request or an unknown key is refused as the service refuses it (not logged as an IAM denial);
   * a request signed with a trusted key is allowed unchecked.
   */
  public authorizeRequest(service: LocalService, request: HttpRequest): RequestVerdict {
    const key = accessKeyIdOf(request);
    if (key !== undefined && this.trusted.has(key)) return { allowed: true, decisions: [] };
    const checks = this.checksFor(service, request);
    if (checks.length === 0) return { allowed: true, decisions: [] };
    const caller = this.callerOf(request);
    if (!caller) return { allowed: false, decisions: [], response: authenticationFailureResponse(service, key) };
    const decisions = this.authorize(caller, checks);
    const refused = decisions.find((d) => !d.allowed);
    return refused ? { allowed: false, caller, decisions, response: accessDeniedResponse(service, refused) } : { allowed: true, caller, decisions };
  }

  /**
   * What S3 answers `caller`'s allowed GetObject or HeadObject of a key that `objectExists` says is not there:
   * 403 AccessDenied (logged in `accessDenied`) unless the caller may `s3:ListBucket` the bucket without an
   * `s3:prefix` (`missingObjectCheck`), else undefined: the stand-in's own 404 NoSuchKey. Undefined too for
   * any other request and for an object that exists.
   */
  public missingObjectResponse(
    caller: Caller, request: HttpRequest, objectExists: (bucket: string, key: string) => boolean,
  ): HttpResponse | undefined {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    const call = s3CallOfRequest(request);
    const check = missingObjectCheck(call);
    if (!check || objectExists(call.bucket!, call.key!)) return undefined;
    const [decision] = this.authorize(caller, [{ ...check, context: { ...this.transportContext(), ...check.context } }]);
    return decision.allowed ? undefined : accessDeniedResponse('s3', decision);
  }

  /**
   * Asks directly: may `caller` make these checks (a state machine's service integrations, a service's own calls)?
   * Refusals are logged in `accessDenied`. `context` adds condition keys to every check (`aws:SourceArn`, …).
   */
  public authorize(caller: Caller, checks: readonly AuthorizationCheck[], context: RequestContext = {}): Decision[] {
    return checks.map((check) => {
      const name = principalName(caller.principal);
      const key = this.decisions === undefined ? undefined : `${name}\n${check.action}\n${check.resource}\n${JSON.stringify(check.context ?? {})}\n${JSON.stringify(context)}`;
      let decision = key === undefined ? undefined : this.decisions!.get(key);
      if (!decision) {
        decision = this.evaluateCheck(caller, check, context);
        if (key !== undefined) {
          // Object keys make most S3 checks unique: the cache is bounded rather than kept for every object.
          if (this.decisions!.size >= MAX_CACHED_DECISIONS) this.decisions!.clear();
          this.decisions!.set(key, decision);
        }
      }
      if (!decision.allowed) this.accessDenied.push({ caller: name, action: check.action, resource: check.resource });
      return decision;
    });
  }

  private evaluateCheck(caller: Caller, check: AuthorizationCheck, context: RequestContext): Decision {
    const full = { ...check, context: { ...this.globalContext(caller.principal), ...context, ...check.context } };
    const resourcePolicies = this.policies.resourcePolicies.filter((p) => p.resources.some((pattern) => arnMatch(pattern, check.resource)));
    const identity = caller.principal.kind === 'role' ? this.policies.roles.get(caller.principal.roleArn) ?? [] : [];
    return evaluate(caller.principal, full, {
      identity,
      resource: resourcePolicies.map((p) => p.policy),
      keyPolicy: resourcePolicies.some((p) => p.keyPolicy),
    });
  }

  /** `aws:SecureTransport` for a request to a stand-in (`secureTransport`). */
  private transportContext(): RequestContext {
    return { 'aws:SecureTransport': this.options.secureTransport === 'from-request' ? false : true };
  }

  /** The global condition keys AWS adds to every request (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html). */
  private globalContext(principal: Principal): RequestContext {
    const now = (this.options.now ?? (() => new Date()))();
    const time = { 'aws:CurrentTime': now.toISOString(), 'aws:EpochTime': String(Math.floor(now.getTime() / 1000)), 'aws:RequestedRegion': this.options.env.region };
    if (principal.kind === 'service') return time;
    return { ...time, 'aws:PrincipalArn': principal.roleArn, 'aws:PrincipalAccount': principal.account, 'aws:PrincipalType': 'AssumedRole' };
  }
}
