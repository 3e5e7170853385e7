import { HttpBatchSource } from './http-batch-source';
import { HttpSource } from './http-source';
import { LambdaSource } from './lambda-source';
import { EnrichmentSource } from './lookup';
import { sigV4Signer } from './request-signer';
import { TableSource } from './table-source';
import { DecodedEnricherSettings } from '../../src/contract/handler-environment';
import { enrichmentDynamoDbClient, enrichmentLambdaClient } from '../shared/aws-clients';
import { RetryPolicy, defaultRetryPolicy } from '../shared/retry-policy';

export interface EnrichConfig {
  readonly source: EnrichmentSource;
  /** The columns to append, when the enricher names them. */
  readonly fields?: string[];
}

export interface EnrichRunOptions {
  /** Epoch milliseconds by which the lookups must have ended (lookupDeadline). @default - none */
  readonly deadline?: number;
  /** The region requests are signed for. @default - AWS_REGION, which Lambda sets */
  readonly region?: string;
}

/** The enrichment source the settings (decoded from enrich-chunk's environment) name. */
export function enrichmentOf(settings: DecodedEnricherSettings, run: EnrichRunOptions = {}): EnrichConfig {
  const retryOptions = { deadline: run.deadline };
  switch (settings.kind) {
    case 'http': {
      const retry: RetryPolicy = { ...defaultRetryPolicy, maxAttempts: settings.maxAttempts };
      const call = {
        concurrency: settings.concurrency,
        retry,
        timeoutMs: settings.timeoutMs,
        signer: settings.signWithIam ? sigV4Signer(signingRegion(run)) : undefined,
        retryOptions,
      };
      // Per record (a GET each) unless a batch size above 1 asks for POSTed batches.
      const batchSize = settings.batchSize ?? 1;
      const source = batchSize > 1
        ? new HttpBatchSource({ ...call, url: settings.url, batchSize })
        : new HttpSource({ ...call, urlTemplate: settings.url });
      return { fields: settings.fields, source };
    }
    case 'lambda':
      return {
        source: new LambdaSource({
          functionName: settings.functionName,
          batchSize: settings.batchSize,
          concurrency: settings.concurrency,
          client: enrichmentLambdaClient(),
          deadline: run.deadline,
        }),
      };
    case 'table':
      return {
        fields: settings.fields,
        source: new TableSource({
          tableName: settings.tableName,
          keyColumn: settings.keyColumn,
          keyAttribute: settings.keyAttribute,
          concurrency: settings.concurrency,
          retry: defaultRetryPolicy,
          client: enrichmentDynamoDbClient(),
          retryOptions,
        }),
      };
  }
}

/** Lambda sets AWS_REGION in every function's environment (a reserved variable, not the construct's). */
function signingRegion(run: EnrichRunOptions): string {
  const region = run.region ?? process.env.AWS_REGION;
  if (!region) throw new Error('environment variable AWS_REGION is not set: requests cannot be signed');
  return region;
}
