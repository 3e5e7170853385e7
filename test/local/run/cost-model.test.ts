import { estimateCost, PRICES_USD, UsageCounts } from '../../../local/run/cost-model';

const none: UsageCounts = {
  stateTransitions: 0,
  expressRequests: 0,
  expressGbSeconds: 0,
  lambdaInvocations: 0,
  lambdaGbSeconds: 0,
  lambdaArm64GbSeconds: 0,
  s3Tier1Requests: 0,
  s3Tier2Requests: 0,
  dynamodbWriteUnits: 0,
  dynamodbReadUnits: 0,
  emails: 0,
  apiRequests: 0,
};

describe('estimateCost', () => {
  test('nothing used costs nothing', () => {
    expect(estimateCost(none).total).toBe(0);
  });

  test('each unit is priced from the table', () => {
    expect(estimateCost({ ...none, stateTransitions: 1000 }).stepFunctions).toBeCloseTo(0.025, 6);
    expect(estimateCost({ ...none, lambdaInvocations: 1_000_000, lambdaGbSeconds: 1000 }).lambda).toBeCloseTo(0.2 + 0.0166667, 6);
    expect(estimateCost({ ...none, lambdaArm64GbSeconds: 1000 }).lambda).toBeCloseTo(0.0133334, 6);
    expect(estimateCost({ ...none, s3Tier1Requests: 1000, s3Tier2Requests: 1000 }).s3).toBeCloseTo(0.0054, 6);
    expect(estimateCost({ ...none, dynamodbWriteUnits: 1_000_000, dynamodbReadUnits: 1_000_000 }).dynamodb).toBeCloseTo(0.75, 6);
    expect(estimateCost({ ...none, emails: 1000 }).ses).toBeCloseTo(0.1, 6);
    expect(estimateCost({ ...none, apiRequests: 1_000_000 }).apiGateway).toBeCloseTo(3.5, 6);
    const express = estimateCost({ ...none, expressRequests: 1_000_000, expressGbSeconds: 100 });
    expect(express.stepFunctions).toBeCloseTo(1 + 100 * PRICES_USD.expressGbSecond, 6);
  });

  test('the total is the sum of the parts', () => {
    const usage = { ...none, stateTransitions: 123, lambdaInvocations: 456, lambdaGbSeconds: 7.8, s3Tier1Requests: 90, apiRequests: 10_000 };
    const cost = estimateCost(usage);
    const sum = cost.stepFunctions + cost.lambda + cost.s3 + cost.dynamodb + cost.ses + cost.apiGateway;
    expect(cost.total).toBeCloseTo(sum, 5);
    expect(cost.total).toBeGreaterThan(0.035);
  });
});
