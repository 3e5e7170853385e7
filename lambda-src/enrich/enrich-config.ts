import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { parseFieldList } from './enriched-columns';
import { HttpSource } from './http-source';
import { LambdaSource } from './lambda-source';
import { EnrichmentSource } from './lookup';
import { sigV4Signer } from './request-signer';
import { RetryPolicy, defaultRetryPolicy } from './retry-policy';
import { TableSource } from './table-source';

/** Reads a positive integer setting, naming the variable when it is not one. */
export function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${text}`);
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`${name} must be set`);
  return value;
}

export interface EnrichConfig {
  readonly source: EnrichmentSource;
  /** ENRICH_FIELDS, when set. */
  readonly fields?: string[];
}

/** Builds the enrichment source that ENRICHER names from the handler's environment. */
export function enrichConfigFromEnv(env: NodeJS.ProcessEnv = process.env): EnrichConfig {
  const concurrency = positiveInteger(env, 'ENRICH_CONCURRENCY', 16);
  const retry: RetryPolicy = { ...defaultRetryPolicy, maxAttempts: positiveInteger(env, 'ENRICH_MAX_ATTEMPTS', defaultRetryPolicy.maxAttempts) };
  const fields = parseFieldList(env.ENRICH_FIELDS);
  switch (env.ENRICHER) {
    case 'http':
      return {
        fields,
        source: new HttpSource({
          urlTemplate: required(env, 'ENRICH_URL'),
          concurrency,
          retry,
          timeoutMs: positiveInteger(env, 'ENRICH_TIMEOUT_MS', 5_000),
          signer: env.ENRICH_SIGV4 === 'true' ? sigV4Signer(required(env, 'AWS_REGION')) : undefined,
        }),
      };
    case 'lambda':
      return {
        fields,
        source: new LambdaSource({
          functionName: required(env, 'ENRICH_FUNCTION'),
          batchSize: positiveInteger(env, 'ENRICH_BATCH_SIZE', 500),
          concurrency,
          client: new LambdaClient({ maxAttempts: retry.maxAttempts }),
        }),
      };
    case 'table':
      return {
        fields,
        source: new TableSource({
          tableName: required(env, 'ENRICH_TABLE'),
          keyColumn: required(env, 'ENRICH_KEY_COLUMN'),
          keyAttribute: required(env, 'ENRICH_KEY_ATTRIBUTE'),
          concurrency,
          retry,
          client: new DynamoDBClient({ maxAttempts: retry.maxAttempts }),
        }),
      };
    default:
      throw new Error(`ENRICHER must be http, lambda or table, got ${env.ENRICHER ?? '(unset)'}`);
  }
}
