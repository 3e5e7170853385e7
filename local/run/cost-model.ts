/**
 * What a run would cost on AWS (us-east-1, on-demand list prices, no free tier). One table, cited;
 * update it here when prices change.
 */
export const PRICES_USD = {
  /** https://aws.amazon.com/step-functions/pricing/ — $0.025 per 1,000 state transitions. */
  standardTransition: 0.025 / 1000,
  /** https://aws.amazon.com/step-functions/pricing/ — Express: $1.00 per million requests. */
  expressRequest: 1.0 / 1_000_000,
  /** https://aws.amazon.com/step-functions/pricing/ — Express: $0.00001667 per GB-second (first 1,000 GB-hours). */
  expressGbSecond: 0.00001667,
  /** https://aws.amazon.com/lambda/pricing/ — $0.20 per million requests. */
  lambdaRequest: 0.2 / 1_000_000,
  /** https://aws.amazon.com/lambda/pricing/ — x86: $0.0000166667 per GB-second. */
  lambdaGbSecondX86: 0.0000166667,
  /** https://aws.amazon.com/lambda/pricing/ — arm64: $0.0000133334 per GB-second. */
  lambdaGbSecondArm64: 0.0000133334,
  /** https://aws.amazon.com/s3/pricing/ — PUT, COPY, POST, LIST: $0.005 per 1,000 requests. */
  s3Tier1Request: 0.005 / 1000,
  /** https://aws.amazon.com/s3/pricing/ — GET and all other requests: $0.0004 per 1,000. */
  s3Tier2Request: 0.0004 / 1000,
  /** https://aws.amazon.com/dynamodb/pricing/on-demand/ — $0.625 per million write request units. */
  dynamodbWriteUnit: 0.625 / 1_000_000,
  /** https://aws.amazon.com/dynamodb/pricing/on-demand/ — $0.125 per million read request units. */
  dynamodbReadUnit: 0.125 / 1_000_000,
  /** https://aws.amazon.com/ses/pricing/ — $0.10 per 1,000 emails. */
  email: 0.1 / 1000,
  /** https://aws.amazon.com/api-gateway/pricing/ — REST APIs: $3.50 per million requests (first 333 million). */
  restApiRequest: 3.5 / 1_000_000,
} as const;

export interface UsageCounts {
  readonly stateTransitions: number;
  readonly expressRequests: number;
  readonly expressGbSeconds: number;
  readonly lambdaInvocations: number;
  readonly lambdaGbSeconds: number;
  readonly lambdaArm64GbSeconds: number;
  readonly s3Tier1Requests: number;
  readonly s3Tier2Requests: number;
  readonly dynamodbWriteUnits: number;
  readonly dynamodbReadUnits: number;
  readonly emails: number;
  readonly apiRequests: number;
}

export type CostBreakdown = Record<'stepFunctions' | 'lambda' | 's3' | 'dynamodb' | 'ses' | 'apiGateway' | 'total', number>;

/** Rounds to a millionth of a dollar: finer than that is noise in an estimate. */
const round = (usd: number) => Math.round(usd * 1e6) / 1e6;

export function estimateCost(u: UsageCounts, prices = PRICES_USD): CostBreakdown {
  const parts = {
    stepFunctions: u.stateTransitions * prices.standardTransition
      + u.expressRequests * prices.expressRequest + u.expressGbSeconds * prices.expressGbSecond,
    lambda: u.lambdaInvocations * prices.lambdaRequest
      + u.lambdaGbSeconds * prices.lambdaGbSecondX86 + u.lambdaArm64GbSeconds * prices.lambdaGbSecondArm64,
    s3: u.s3Tier1Requests * prices.s3Tier1Request + u.s3Tier2Requests * prices.s3Tier2Request,
    dynamodb: u.dynamodbWriteUnits * prices.dynamodbWriteUnit + u.dynamodbReadUnits * prices.dynamodbReadUnit,
    ses: u.emails * prices.email,
    apiGateway: u.apiRequests * prices.restApiRequest,
  };
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  return {
    stepFunctions: round(parts.stepFunctions),
    lambda: round(parts.lambda),
    s3: round(parts.s3),
    dynamodb: round(parts.dynamodb),
    ses: round(parts.ses),
    apiGateway: round(parts.apiGateway),
    total: round(total),
  };
}
