import { CostBreakdown, estimateCost, UsageCounts } from '../local/run/cost-model';

/** Records per child execution in the original design. */
export const SEED_CHUNK_RECORDS = 600;
/** Memory of both of its per-record functions. */
export const SEED_LAMBDA_MEMORY_GB = 128 / 1024;
/**
 * Billed duration assumed per invocation of each per-record function: a warm Node.js function
 * doing one small piece of work (an Ajv check; one GetItem) bills tens of milliseconds, 100 ms
 * is a round upper figure. At these durations Lambda is under 1% of the total either way.
 */
export const SEED_LAMBDA_SECONDS = 0.1;

/**
 * What the original per-record design uses for `records` records: a parent Standard state
 * machine whose Map starts one child Standard execution per 600 records with
 * `states:startExecution.sync`; the child's Map runs one iteration per record with a validate
 * Lambda task and an enrichment task calling an API Gateway REST endpoint, backed by a Lambda
 * that does one DynamoDB GetItem.
 */
export function seedDesignUsage(records: number): UsageCounts {
  const chunks = Math.ceil(records / SEED_CHUNK_RECORDS);
  const perRecordTransitions = 2; // child Map iteration: ValidateRecord task + EnrichRecord task
  const perChunkTransitions = 1 // parent Map iteration: the StartChunk (startExecution.sync) task
    + 1; // child execution: its Map state (the iterations' states are counted per record)
  const perRunTransitions = 2; // parent: its Map state + the final state
  const lambdaInvocations = records // the validate Lambda, once per record
    + records; // the Lambda behind the REST endpoint, once per record
  return {
    stateTransitions: records * perRecordTransitions + chunks * perChunkTransitions + perRunTransitions,
    expressRequests: 0, // both state machines are Standard (.sync needs a Standard child for its history)
    expressGbSeconds: 0,
    lambdaInvocations,
    lambdaGbSeconds: lambdaInvocations * SEED_LAMBDA_MEMORY_GB * SEED_LAMBDA_SECONDS, // x86
    lambdaArm64GbSeconds: 0,
    s3Tier1Requests: 0, // the file's one GET and the result's PUTs are noise next to the per-record terms
    s3Tier2Requests: 0,
    dynamodbWriteUnits: 0,
    dynamodbReadUnits: records * 0.5, // one eventually consistent GetItem of an item under 4 KB = half a read unit
    emails: 0,
    apiRequests: records, // one REST API request per record
  };
}

export function seedDesignCost(records: number): CostBreakdown {
  return estimateCost(seedDesignUsage(records));
}
