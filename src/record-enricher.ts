import { Duration, Token } from 'aws-cdk-lib';
import { IRestApi } from 'aws-cdk-lib/aws-apigateway';
import { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { CHUNK_STEP_TIMEOUTS, enrichRequestBudgetMs, enrichRequestWorstCaseMs } from './chunk-time-budget';
import { ENRICH_FINISH_RESERVE_MS } from './contract/enrich-retries';
import { EnricherSettings, HANDLER_DEFAULTS, isNameList } from './contract/handler-environment';
import { HandlerBindOptions } from './handler-binding';
import { integerIn } from './integer-prop';

/** How an HTTP enrichment endpoint is called. */
export interface HttpCallOptions {
  /**
   * How many requests are in flight at once from each chunk's enrich-chunk invocation.
   *
   * @default 16
   */
  readonly concurrency?: number;
  /**
   * How many times a request is attempted in all, retrying 5xx responses, 429 and timeouts with backoff and jitter.
   * From 1 to 10; with `timeout`, one request's attempts and the waits between them (up to 100 ms
   * before the first retry, doubling to at most 5 s) must fit in 60 s: the enrich-chunk function's
   * 70 s less 10 s to read and write the chunk.
   *
   * @default 4
   */
  readonly maxAttempts?: number;
  /**
   * How long one request may take before it is abandoned and retried, 100 ms to 60 s. With
   * `maxAttempts`, one request's attempts must fit in 60 s (see `maxAttempts`).
   *
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;
  /**
   * The fields of the JSON response appended to each record, in this order.
   *
   * @default - every field of the response, in the order the endpoint returns them
   */
  readonly fields?: string[];
  /**
   * Send the records in batches of this many, one POST each, instead of one GET per record.
   *
   * The endpoint (a URL without `{column}` placeholders) receives the JSON body
   * `{ header: string[], records: { line: number, fields: string[] }[] }` and answers
   * `{ results: ({ [column: string]: unknown } | null)[] }`: one entry per record, in order, holding
   * the values to append by column name; `null` rejects the record as having no enrichment data.
   * Requests are signed, timed out and retried as in the per-record form. From 1 to 1000; 1 calls per record.
   *
   * @default - per record: one GET each, to the URL with the record's values in its placeholders
   */
  readonly batchSize?: number;
}

/** An HTTP endpoint that returns the enrichment data of one record (or of a batch of records) as JSON. */
export interface HttpEndpointEnricherOptions extends HttpCallOptions {
  /**
   * The URL, with `{column}` placeholders replaced by the record's values (URL-encoded),
   * e.g. `https://api.example.com/financials/{uuid}`. A 404 rejects the record.
   * With a `batchSize` above 1, the URL batches are POSTed to, without placeholders.
   */
  readonly url: string;
  /**
   * Sign requests with the enrich-chunk function's role (SigV4, service `execute-api`).
   * You grant the role access to the endpoint yourself; `RecordEnricher.fromRestApi` does it for you.
   *
   * @default false
   */
  readonly signWithIam?: boolean;
}

/** A method of a REST API in the same app. */
export interface RestApiEnricherOptions extends HttpCallOptions {
  /**
   * The resource path with `{column}` placeholders, e.g. `/financials/{uuid}`; with a `batchSize`
   * above 1, the path batches are POSTed to, without placeholders, e.g. `/financials/batch`.
   */
  readonly path: string;
  /**
   * The HTTP method of the per-record form. The batch form always POSTs.
   *
   * @default 'GET' per record, 'POST' with a `batchSize` above 1
   */
  readonly method?: string;
}

/** Options of an enricher implemented by your own Lambda function. */
export interface LambdaEnricherOptions {
  /**
   * How many records are sent to the function in one invocation.
   *
   * @default 500
   */
  readonly batchSize?: number;
}

/** A DynamoDB table that holds the enrichment data, one item per key. */
export interface TableEnricherOptions {
  /**
   * The column of the input whose value is the item's key.
   */
  readonly keyColumn: string;
  /**
   * The table's partition key attribute (a string).
   *
   * @default - the same name as `keyColumn`
   */
  readonly keyAttribute?: string;
  /**
   * The attributes of the item appended to each record, in this order.
   *
   * @default - every attribute of the item except the key, in the order DynamoDB returns them
   */
  readonly fields?: string[];
}

/**
 * Where the data that enriches each valid record comes from. A record with no data
 * (404, no item) is rejected with that reason; an enrichment source that keeps failing fails the run.
 */
export abstract class RecordEnricher {
  /**
   * Call an HTTP endpoint once per record, or once per batch of records with `batchSize`
   * (keep-alive, bounded concurrency, retries).
   */
  public static fromHttpEndpoint(options: HttpEndpointEnricherOptions): RecordEnricher {
    return new HttpEnricher(options.url, options.signWithIam ?? false, options);
  }

  /**
   * Call a method of an API Gateway REST API, signing each request with IAM.
   *
   * The enrich-chunk function is granted `execute-api:Invoke` on exactly that method and path
   * of the API's deployment stage (`POST` on the path with a `batchSize` above 1).
   */
  public static fromRestApi(api: IRestApi, options: RestApiEnricherOptions): RecordEnricher {
    return new RestApiEnricher(api, options);
  }

  /**
   * Enrich records with your own Lambda function, called with batches of records.
   *
   * The function receives `{ header: string[], records: { line: number, fields: string[] }[] }` and
   * returns `{ results: ({ [column: string]: unknown } | null)[] }`: one entry per record, in order,
   * holding the values to append by column name; `null` rejects the record as having no enrichment data.
   */
  public static fromLambda(fn: IFunction, options: LambdaEnricherOptions = {}): RecordEnricher {
    return new LambdaEnricher(fn, options);
  }

  /**
   * Look each record up in a DynamoDB table (BatchGetItem).
   */
  public static fromTable(table: ITable, options: TableEnricherOptions): RecordEnricher {
    return new TableEnricher(table, options);
  }

  /**
   * Applies the grants the enrich-chunk handler needs and returns its settings, which the
   * processor writes into the handler's environment (src/contract/handler-environment.ts).
   *
   * @internal
   */
  public abstract _bind(scope: Construct, options: HandlerBindOptions): EnricherSettings;
}

function checkRange(name: string, value: number, min: number, max: number): number {
  return integerIn(`enrichment: ${name}`, value, min, max);
}

function checkFields(fields: string[] | undefined): string[] | undefined {
  if (fields !== undefined && !isNameList(fields)) {
    throw new Error('enrichment: fields must name at least one field, and no empty one');
  }
  return fields;
}

/** Whether records are sent in batches (POST) rather than one GET each. */
function isBatched(options: HttpCallOptions): boolean {
  return (options.batchSize ?? 1) > 1;
}

/** Throws unless the URL or path suits the form: the batch form sends the records in the body, not in the URL. */
function checkBatchTarget(prop: 'url' | 'path', target: string, options: HttpCallOptions): void {
  if (isBatched(options) && /\{[^{}]+\}/.test(target)) {
    throw new Error(`enrichment: ${prop} must not have {column} placeholders with a batchSize above 1 (records are POSTed in the body), got '${target}'`);
  }
}

/**
 * One request with all its attempts must end before enrich-chunk stops its lookups (its timeout
 * less what it keeps to write the chunk): a request that cannot would fail every slow chunk, and a
 * function cut off by its timeout leaves no named error for the chunk's failure record.
 */
function checkRequestFits(timeoutMs: number, maxAttempts: number): void {
  if (Token.isUnresolved(timeoutMs) || Token.isUnresolved(maxAttempts)) return;
  const worstMs = enrichRequestWorstCaseMs(timeoutMs, maxAttempts);
  const budgetMs = enrichRequestBudgetMs();
  if (worstMs > budgetMs) {
    throw new Error(`enrichment: timeout (${timeoutMs / 1000} s) × maxAttempts (${maxAttempts}) plus the waits between attempts `
      + `(up to ${(worstMs - timeoutMs * maxAttempts) / 1000} s) is ${worstMs / 1000} s, more than the ${budgetMs / 1000} s one request may take `
      + `(the enrich-chunk function's ${CHUNK_STEP_TIMEOUTS.enrich.toSeconds()} s timeout less ${ENRICH_FINISH_RESERVE_MS / 1000} s `
      + 'to read and write the chunk): lower timeout or maxAttempts');
  }
}

function httpSettings(url: string, signWithIam: boolean, options: HttpCallOptions): EnricherSettings {
  const timeoutMs = (options.timeout ?? Duration.millis(HANDLER_DEFAULTS.enrichTimeoutMs)).toMilliseconds();
  checkRange('timeout (ms)', timeoutMs, 100, 60_000);
  const maxAttempts = checkRange('maxAttempts', options.maxAttempts ?? HANDLER_DEFAULTS.enrichMaxAttempts, 1, 10);
  checkRequestFits(timeoutMs, maxAttempts);
  return {
    kind: 'http',
    url,
    signWithIam,
    concurrency: checkRange('concurrency', options.concurrency ?? HANDLER_DEFAULTS.enrichConcurrency, 1, 256),
    maxAttempts,
    timeoutMs,
    batchSize: options.batchSize === undefined ? undefined : checkRange('batchSize', options.batchSize, 1, 1000),
    fields: checkFields(options.fields),
  };
}

class HttpEnricher extends RecordEnricher {
  private readonly settings: EnricherSettings;

  constructor(url: string, sign: boolean, options: HttpCallOptions) {
    super();
    checkBatchTarget('url', url, options);
    this.settings = httpSettings(url, sign, options);
  }

  public _bind(_scope: Construct, _options: HandlerBindOptions): EnricherSettings {
    return this.settings;
  }
}

class RestApiEnricher extends RecordEnricher {
  private readonly method: string;

  constructor(private readonly api: IRestApi, private readonly options: RestApiEnricherOptions) {
    super();
    if (!options.path.startsWith('/')) {
      throw new Error(`enrichment: path must start with '/', got '${options.path}'`);
    }
    checkBatchTarget('path', options.path, options);
    const method = (options.method ?? (isBatched(options) ? 'POST' : 'GET')).toUpperCase();
    if (isBatched(options) && method !== 'POST') {
      throw new Error(`enrichment: method must be POST with a batchSize above 1, got '${options.method}'`);
    }
    this.method = method;
    // Validate the call options now, where the user made the mistake, not at bind time.
    httpSettings('', true, options);
  }

  public _bind(_scope: Construct, options: HandlerBindOptions): EnricherSettings {
    const stage = this.api.deploymentStage;
    // IAM matches the request path, so each `{parameter}` becomes a wildcard for one path segment's value.
    const resourcePath = this.options.path.replace(/\{[^}]+\}/g, '*');
    iam.Grant.addToPrincipal({
      grantee: options.grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.api.arnForExecuteApi(this.method, resourcePath, stage.stageName)],
    });
    return httpSettings(stage.urlForPath(this.options.path), true, this.options);
  }
}

class LambdaEnricher extends RecordEnricher {
  private readonly batchSize: number;

  constructor(private readonly fn: IFunction, options: LambdaEnricherOptions) {
    super();
    this.batchSize = checkRange('batchSize', options.batchSize ?? HANDLER_DEFAULTS.enrichLambdaBatchSize, 1, 10_000);
  }

  public _bind(_scope: Construct, options: HandlerBindOptions): EnricherSettings {
    this.fn.grantInvoke(options.grantee);
    return { kind: 'lambda', functionName: this.fn.functionArn, batchSize: this.batchSize };
  }
}

class TableEnricher extends RecordEnricher {
  constructor(private readonly table: ITable, private readonly options: TableEnricherOptions) {
    super();
    if (options.keyColumn.length === 0) {
      throw new Error('enrichment: keyColumn must name a column of the input');
    }
    if (options.keyAttribute !== undefined && options.keyAttribute.length === 0) {
      throw new Error('enrichment: keyAttribute must not be empty');
    }
    checkFields(options.fields);
  }

  public _bind(_scope: Construct, options: HandlerBindOptions): EnricherSettings {
    // Only the read the handler makes, not grantReadData's Query/Scan/streams.
    this.table.grant(options.grantee, 'dynamodb:BatchGetItem');
    this.table.encryptionKey?.grantDecrypt(options.grantee);
    return {
      kind: 'table',
      tableName: this.table.tableName,
      keyColumn: this.options.keyColumn,
      keyAttribute: this.options.keyAttribute ?? this.options.keyColumn,
      fields: this.options.fields,
    };
  }
}
