import { Token } from 'aws-cdk-lib';
import { EnricherSettings, HANDLER_DEFAULTS, ValidatorSettings } from './contract/handler-environment';

/**
 * The functions that run beside the runs' chunk executions and are not theirs: the trigger (per upload),
 * run-turns (per turn and release) and notify (per failure report). Each is retried when throttled (S3's
 * asynchronous invocations by Lambda, TakeTurn by its retrier, the releases and reports by EventBridge
 * and Lambda), so one invocation each is enough for them to go on.
 */
export const OTHER_FUNCTIONS = 3;

/**
 * The most Lambda invocations one chunk execution has in flight. Its steps run one after the other
 * (src/chunk-processor.ts), each invoking one function; a Lambda validator or enricher is invoked from
 * within its step, as many batches at once as its concurrency allows and the chunk holds.
 */
export function invocationsPerChunk(chunkSize: number, validator: ValidatorSettings, enricher: EnricherSettings | undefined): number {
  const batchesAtOnce = (batchSize: number, concurrency: number) => Math.min(concurrency, Math.ceil(chunkSize / batchSize));
  const validating = validator.kind === 'lambda'
    ? batchesAtOnce(validator.batchSize ?? HANDLER_DEFAULTS.validatorBatchSize, HANDLER_DEFAULTS.validatorConcurrency) : 0;
  const enriching = enricher?.kind === 'lambda'
    ? batchesAtOnce(enricher.batchSize ?? HANDLER_DEFAULTS.enrichLambdaBatchSize, enricher.concurrency ?? HANDLER_DEFAULTS.enrichConcurrency) : 0;
  return 1 + Math.max(validating, enriching);
}

export interface ConcurrencyNeeds {
  readonly maxConcurrentRuns: number;
  readonly maxConcurrency: number;
  /** invocationsPerChunk. */
  readonly perChunk: number;
  /** The functions that process a chunk: validate, record rejects, and enrich when configured. */
  readonly chunkFunctions: number;
  readonly lambdaConcurrency?: number;
  readonly chunkFunctionsReservedConcurrency?: number;
}

/**
 * Throws, with the arithmetic, when the runs allowed at once may need more Lambda concurrency than
 * `lambdaConcurrency`, or when the chunk functions' reserved concurrency cannot serve every chunk
 * execution at once. Lambda throttles past a function's reserved concurrency or the account's
 * unreserved concurrency (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html); a
 * throttled chunk is retried only briefly, within its time budget (src/chunk-time-budget.ts).
 *
 * A run is either in its chunk phase (`maxConcurrency` chunk executions, each with `perChunk`
 * invocations) or in one of its other steps (one invocation): at most `maxConcurrency` × `perChunk`.
 * With reserved concurrency, the chunk functions' share is theirs, and what remains of a run's needs
 * (its other steps, or its chunks' calls to a Lambda validator or enricher) comes from the rest.
 */
export function checkLambdaConcurrency(needs: ConcurrencyNeeds): void {
  const { maxConcurrentRuns: runs, maxConcurrency: chunks, perChunk, lambdaConcurrency: budget, chunkFunctionsReservedConcurrency: reserved } = needs;
  if ([runs, chunks, budget, reserved].some((value) => value !== undefined && Token.isUnresolved(value))) return;
  const executions = runs * chunks;
  if (reserved !== undefined && reserved < executions) {
    throw new Error(`chunkFunctionsReservedConcurrency (${reserved}) < maxConcurrentRuns (${runs}) × maxConcurrency (${chunks}) = ${executions} `
      + 'chunk executions, each of which may invoke every chunk function at once: raise it, or lower maxConcurrentRuns or maxConcurrency');
  }
  if (budget === undefined) return;
  if (reserved === undefined) {
    const total = executions * perChunk + OTHER_FUNCTIONS;
    if (total > budget) {
      throw new Error(`maxConcurrentRuns (${runs}) × maxConcurrency (${chunks}) chunk executions × ${perChunk} concurrent invocations each `
        + `+ ${OTHER_FUNCTIONS} for the other functions = ${total} > lambdaConcurrency (${budget}): lower maxConcurrentRuns or maxConcurrency`);
    }
    return;
  }
  const besideReserved = Math.max(1, chunks * (perChunk - 1));
  const total = reserved * needs.chunkFunctions + runs * besideReserved + OTHER_FUNCTIONS;
  if (total > budget) {
    throw new Error(`chunkFunctionsReservedConcurrency (${reserved}) × ${needs.chunkFunctions} chunk functions + maxConcurrentRuns (${runs}) × `
      + `${besideReserved} concurrent invocations each outside them + ${OTHER_FUNCTIONS} for the other functions = ${total} `
      + `> lambdaConcurrency (${budget}): lower chunkFunctionsReservedConcurrency, maxConcurrentRuns or maxConcurrency`);
  }
}
