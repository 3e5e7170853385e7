import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { parseFieldList } from './enriched-columns';
import { HttpBatchSource } from './http-batch-source';
import { HttpSource } from './http-source';
import { LambdaSource } from './lambda-source';
import { EnrichmentSource } from './lookup';
import { sigV4Signer } from './request-signer';
import { TableSource } from './table-source';
import { positiveIntEnv, requiredEnv } from '../shared/handler-env';
import { RetryPolicy, defaultRetryPolicy } from '../shared/retry-policy';

export interface EnrichConfig {
  readonly source: EnrichmentSource;
  /** ENRICH_FIELDS, when set. */
  readonly fields?: string[];
}

export interface EnrichRunOptions {
  /** Epoch milliseconds by which the lookups must have ended (lookupDeadline). @default - none */
  readonly deadline?: number;
}

/** Builds the enrichment source that ENRICHER names from the handler's environment. */
export function enrichConfigFromEnv(env: NodeJS.ProcessEnv = process.env, run: EnrichRunOptions = {}): EnrichConfig {
  const concurrency = positiveIntEnv('ENRICH_CONCURRENCY', 16, env);
  const retryOptions = { deadline: run.deadline };
  const retry: RetryPolicy = { ...defaultRetryPolicy, maxAttempts: positiveIntEnv('ENRICH_MAX_ATTEMPTS', defaultRetryPolicy.maxAttempts, env) };
  const fields = parseFieldList(env.ENRICH_FIELDS);
  switch (env.ENRICHER) {
    case 'http': {
      const call = {
        concurrency,
        retry,
        timeoutMs: positiveIntEnv('ENRICH_TIMEOUT_MS', 5_000, env),
        signer: env.ENRICH_SIGV4 === 'true' ? sigV4Signer(requiredEnv('AWS_REGION', env)) : undefined,
        retryOptions,
      };
      // Per record (a GET each) unless a batch size above 1 asks for POSTed batches.
      const batchSize = positiveIntEnv('ENRICH_BATCH_SIZE', 1, env);
      const source = batchSize > 1
        ? new HttpBatchSource({ ...call, url: requiredEnv('ENRICH_URL', env), batchSize })
        : new HttpSource({ ...call, urlTemplate: requiredEnv('ENRICH_URL', env) });
      return { fields, source };
    }
    case 'lambda':
      return {
        fields,
        source: new LambdaSource({
          functionName: requiredEnv('ENRICH_FUNCTION', env),
          batchSize: positiveIntEnv('ENRICH_BATCH_SIZE', 500, env),
          concurrency,
          client: new LambdaClient({ maxAttempts: retry.maxAttempts, cacheMiddleware: true }),
          deadline: run.deadline,
        }),
      };
    case 'table':
      return {
        fields,
        source: new TableSource({
          tableName: requiredEnv('ENRICH_TABLE', env),
          keyColumn: requiredEnv('ENRICH_KEY_COLUMN', env),
          keyAttribute: requiredEnv('ENRICH_KEY_ATTRIBUTE', env),
          concurrency,
          retry,
          client: new DynamoDBClient({ maxAttempts: retry.maxAttempts, cacheMiddleware: true }),
          retryOptions,
        }),
      };
    default:
      throw new Error(`ENRICHER must be http, lambda or table, got ${env.ENRICHER ?? '(unset)'}`);
  }
}
