/**
 * The rules of AWS that the local cloud enforces on every call: IAM (unless turned off for diagnosis) and SES's
 * sending rules. The IAM engine (`../iam/`) is built from the synthesized template and put in front of each
 * stand-in: on the main thread for s3rver, the SES stand-in and the service endpoints, on dynalite's own thread
 * for DynamoDB. Each function gets its own credentials (`IamEngine.callerFor`), so each request names its caller.
 */
// local/ is development tooling, left out of the npm package: it runs on devDependencies.
/* eslint-disable @typescript-eslint/no-require-imports */
import { ServiceEndpoints } from '../api/service-endpoints';
import { accessDeniedMessage } from '../iam/access-denied-responses';
import { AccessDenied, IamEngine, IamEngineOptions } from '../iam/iam-engine';
import { functionArnOf } from '../iam/lambda-requests';
import { gateServer } from '../iam/request-gate';
import { s3Gate, serviceEndpointsGate, sesGate } from '../iam/stand-in-gates';
import { SesAccount, sesRules, templateEmailIdentities } from '../stand-ins/ses-sandbox';
import { LOCAL_CREDENTIALS, StandIns } from '../stand-ins/stand-ins';
import { CloudAssembly } from '../template/cloud-assembly';

export interface AccessControlOptions {
  /**
   * Authorize every call against the template's IAM policies, as AWS would. `false` allows every call: a
   * diagnosis mode, to tell a permission problem from another. @default true
   */
  readonly iam?: boolean;
  /**
   * The SES account: in the sandbox (only verified identities may send and receive) unless `sandbox` is false
   * (production access); verified are the identities the template verifies (`AWS::SES::EmailIdentity`) and
   * `verifiedIdentities`. @default - the sandbox, only the template's identities verified
   */
  readonly ses?: { readonly sandbox?: boolean; readonly verifiedIdentities?: readonly string[] };
}

/** The SES account of a local cloud. */
export function sesAccountOf(assembly: CloudAssembly, options: AccessControlOptions): SesAccount {
  return {
    region: assembly.env.region,
    sandbox: options.ses?.sandbox ?? true,
    verifiedIdentities: [...templateEmailIdentities(assembly.template, assembly.env), ...options.ses?.verifiedIdentities ?? []],
  };
}

/** The IAM engine's options for a local cloud: its own set-up and collection credentials are trusted. */
export function iamOptionsOf(assembly: CloudAssembly, ses: SesAccount): IamEngineOptions {
  return {
    template: assembly.template,
    env: assembly.env,
    restApis: assembly.restApis.map((api) => ({ id: api.id, stageName: api.stageName })),
    ses: { sandbox: ses.sandbox, verifiedIdentities: ses.verifiedIdentities },
    trustedAccessKeyIds: [LOCAL_CREDENTIALS.accessKeyId],
  };
}

/**
 * Puts the rules in front of the stand-ins: SES's always, IAM's when `iam` is given (checked first, as AWS
 * authorizes a request before it looks at it).
 */
export async function enforceRules(
  standIns: StandIns, endpoints: ServiceEndpoints, ses: SesAccount, iam?: { engine: IamEngine; options: IamEngineOptions },
): Promise<void> {
  gateServer(standIns.sesServer, sesRules(ses));
  if (!iam) return;
  // s3rver checks that a request's access key is one it knows (not its signature): it must know every function's.
  const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account');
  for (const { credentials } of iam.engine.issuedCredentials()) DUMMY_ACCOUNT.createKeyPair(credentials!.accessKeyId, credentials!.secretAccessKey);
  gateServer(standIns.s3Server, s3Gate(iam.engine, standIns.s3ObjectExists));
  gateServer(standIns.sesServer, sesGate(iam.engine));
  gateServer(endpoints.server, serviceEndpointsGate(iam.engine));
  await standIns.authorizeDynamoDb(iam.options);
}

/**
 * Whether `service` (`s3.amazonaws.com`, `events.amazonaws.com`, …) may invoke a function for one of its
 * resources (`sourceArn`), by the function's policy: the access denied message when it may not.
 */
export function serviceInvokeRefusal(
  iam: IamEngine, assembly: CloudAssembly, service: string, functionNameOrArn: string, sourceArn: string,
): string | undefined {
  const check = { action: 'lambda:InvokeFunction', resource: functionArnOf(functionNameOrArn, assembly.env) };
  const [decision] = iam.authorize(iam.serviceCaller(service), [check], { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': assembly.env.account });
  return decision.allowed ? undefined : accessDeniedMessage(decision);
}

/** Each refusal once (caller, action, resource), in the order they first happened. */
export function distinctDenials(denials: readonly AccessDenied[]): AccessDenied[] {
  const seen = new Map<string, AccessDenied>();
  for (const denial of denials) {
    const key = `${denial.caller} ${denial.action} ${denial.resource}`;
    if (!seen.has(key)) seen.set(key, denial);
  }
  return [...seen.values()];
}
