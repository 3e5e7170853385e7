import { estimateCost } from './cost-model';
import { LocalCloud } from './local-cloud';
import { AccessDenied } from '../iam/iam-engine';

/** What a run used, as AWS would bill it. */
export interface RunStatistics {
  readonly stateTransitions: number;
  readonly standardExecutions: number;
  readonly expressRequests: number;
  readonly expressGbSeconds: number;
  readonly lambdaInvocations: number;
  readonly lambdaGbSeconds: number;
  readonly s3Requests: number;
  readonly apiRequests: number;
  readonly dynamodbWriteUnits: number;
  readonly dynamodbReadUnits: number;
  /** Write requests and keys DynamoDB answered unprocessed (the `ddb` fault), each time; their callers asked again. */
  readonly dynamodbUnprocessed: number;
  /**
   * Requests refused for a quota: Lambda's 429s (synchronous invocations refused, throttled attempts of asynchronous
   * ones) and StartExecution's `ThrottlingException`s (`stepFunctionsThrottles`, counted in this too).
   */
  readonly throttles: number;
  /** StartExecution calls refused with `ThrottlingException` (its token bucket empty). */
  readonly stepFunctionsThrottles: number;
  /** The most Lambda invocations in flight at once, over all functions (what the account's concurrency quota caps). */
  readonly maxConcurrentInvocations: number;
  readonly emails: number;
  readonly orchestratorExecutions: number;
  /** The calls the local IAM refused, each (caller, action, resource) once, in order; empty when none (or IAM is off). */
  readonly accessDenied: AccessDenied[];
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** The local cloud's usage counters since the run began, and their price. */
export async function runStatistics(cloud: LocalCloud, emails: number, orchestratorExecutions: number) {
  await cloud.standIns.settleCounters();
  const { stepFunctions, lambda, standIns, endpoints } = cloud;
  const lambdaConcurrency = lambda.concurrency.stats();
  const usage = {
    stateTransitions: stepFunctions.usage.standardTransitions,
    expressRequests: stepFunctions.usage.expressRequests,
    expressGbSeconds: stepFunctions.usage.expressGbSeconds,
    lambdaInvocations: lambda.usage.invocations,
    lambdaGbSeconds: lambda.usage.gbSeconds,
    lambdaArm64GbSeconds: lambda.usage.arm64GbSeconds,
    s3Tier1Requests: standIns.counters.s3Tier1,
    s3Tier2Requests: standIns.counters.s3Tier2,
    dynamodbWriteUnits: standIns.counters.dynamodbWriteUnits,
    dynamodbReadUnits: standIns.counters.dynamodbReadUnits,
    emails,
    apiRequests: endpoints.apiRequests(),
  };
  const stats: RunStatistics = {
    stateTransitions: usage.stateTransitions,
    standardExecutions: stepFunctions.usage.standardExecutions,
    expressRequests: usage.expressRequests,
    expressGbSeconds: round3(usage.expressGbSeconds),
    lambdaInvocations: usage.lambdaInvocations,
    lambdaGbSeconds: round3(usage.lambdaGbSeconds + usage.lambdaArm64GbSeconds),
    s3Requests: usage.s3Tier1Requests + usage.s3Tier2Requests,
    apiRequests: usage.apiRequests,
    dynamodbWriteUnits: usage.dynamodbWriteUnits,
    dynamodbReadUnits: usage.dynamodbReadUnits,
    dynamodbUnprocessed: standIns.counters.dynamodbUnprocessed,
    throttles: lambdaConcurrency.throttles + stepFunctions.throttles,
    stepFunctionsThrottles: stepFunctions.throttles,
    maxConcurrentInvocations: lambdaConcurrency.maxConcurrentInvocations,
    emails: usage.emails,
    orchestratorExecutions,
    accessDenied: await cloud.accessDenied(),
  };
  return { stats, cost: estimateCost(usage) };
}

/** Counting starts with the pipeline's own traffic, once the set-up (resources, lookup, upload) is done. */
export async function resetCounters(cloud: LocalCloud): Promise<void> {
  await cloud.standIns.settleCounters();
  Object.assign(cloud.standIns.counters, { s3Tier1: 0, s3Tier2: 0, dynamodbWriteUnits: 0, dynamodbReadUnits: 0, dynamodbUnprocessed: 0 });
}
