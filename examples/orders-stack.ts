import * as path from 'path';
import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BatchFileProcessor, BatchFileProcessorProps, InputEncoding, RecordEnricher, RecordValidator } from '../src';
import { orderRecordSchema } from './order-record-schema';

export interface OrdersPipelineStackProps extends StackProps {
  /** Records per chunk. @default 1000 */
  readonly chunkSize?: number;
  /** The orders file's delimiter. @default ',' */
  readonly delimiter?: string;
  /** The orders files' character encoding. @default InputEncoding.UTF_8 */
  readonly encoding?: InputEncoding;
  /** The SES-verified sender of the run emails. @default - no email */
  readonly emailSender?: string;
  /** Who gets the run emails. @default - no email */
  readonly emailRecipients?: string[];
  /** More props of the processor, over the example's (for experiments and tests). @default - none */
  readonly processorProps?: BatchFileProcessorProps;
}

/** The financial figures the endpoint returns, appended to each order in this order. */
const FINANCIAL_FIELDS = ['unitsSold', 'unitPrice', 'unitCost', 'totalRevenue', 'totalCost', 'totalProfit'];

/**
 * The financials function answers a batch of up to 1,000 orders with 10 BatchGetItem calls of 100
 * keys (4 at a time, unprocessed keys asked again after up to 1.5 s of backoff), after a cold start
 * that loads the SDK. Lambda's defaults, 3 s and 128 MB (so a sliver of a CPU), can run out on that:
 * API Gateway then answers 502 and enrichment retries the whole batch. 512 MB gives the cold start
 * and the JSON four times the CPU; 10 s covers a throttled table, well within API Gateway's 29 s
 * integration limit (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
 */
const FINANCIALS_TIMEOUT = Duration.seconds(10);
const FINANCIALS_MEMORY_MB = 512;

/**
 * The original orders pipeline, rebuilt on BatchFileProcessor: orders CSV files are validated
 * against a JSON Schema and enriched with their financial figures from an IAM-authorised REST API.
 */
export class OrdersPipelineStack extends Stack {
  public readonly processor: BatchFileProcessor;
  public readonly financialsTable: dynamodb.Table;
  public readonly financialsApi: apigateway.RestApi;

  constructor(scope: Construct, id: string, props: OrdersPipelineStackProps = {}) {
    super(scope, id, props);

    this.financialsTable = new dynamodb.Table(this, 'Financials', {
      partitionKey: { name: 'uuid', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Sample data, reloadable with examples/load-financials.ts.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const financialsFunction = new lambda.Function(this, 'FinancialsFunction', {
      description: 'Serves GET /financials/{uuid} and POST /financials/batch from the financial-data table',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      // Bundled from examples/financials-api.ts by the build (.projenrc.ts), outside what the package ships.
      code: lambda.Code.fromAsset(path.join(__dirname, '..', 'assets', 'examples', 'financials-api')),
      environment: { FINANCIALS_TABLE: this.financialsTable.tableName },
      timeout: FINANCIALS_TIMEOUT,
      memorySize: FINANCIALS_MEMORY_MB,
      tracing: lambda.Tracing.ACTIVE,
      logGroup: new logs.LogGroup(this, 'FinancialsFunctionLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
    });
    this.financialsTable.grant(financialsFunction, 'dynamodb:GetItem', 'dynamodb:BatchGetItem');

    const accessLogs = new logs.LogGroup(this, 'FinancialsApiAccessLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.financialsApi = new apigateway.RestApi(this, 'FinancialsApi', {
      description: 'Financial figures of an order by uuid, or of a batch of orders (IAM-authorised)',
      // API Gateway writes every REST API's logs of the region with the one role named in the account's API
      // Gateway settings, and refuses a stage with logging while none is set
      // (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html). The example sets
      // it, so that it deploys in a new account, and keeps the role on teardown: deleting it would stop the
      // logs of every other API of the account and region.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        tracingEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    const validateRequest = this.financialsApi.addRequestValidator('ValidateRequest', { validateRequestParameters: true, validateRequestBody: true });
    const integration = new apigateway.LambdaIntegration(financialsFunction);
    const financials = this.financialsApi.root.addResource('financials');
    financials.addResource('{uuid}').addMethod('GET', integration, {
      authorizationType: apigateway.AuthorizationType.IAM,
      requestValidator: validateRequest,
      requestParameters: { 'method.request.path.uuid': true },
    });
    // The batch form the processor calls: one request per batch of up to 1,000 orders (the enricher's
    // batchSize) instead of one per order.
    financials.addResource('batch').addMethod('POST', integration, {
      authorizationType: apigateway.AuthorizationType.IAM,
      requestValidator: validateRequest,
    });

    const email = props.emailSender && props.emailRecipients?.length
      ? { sender: props.emailSender, recipients: props.emailRecipients }
      : undefined;

    this.processor = new BatchFileProcessor(this, 'Orders', {
      chunkSize: props.chunkSize,
      delimiter: props.delimiter,
      encoding: props.encoding,
      validator: RecordValidator.fromJsonSchema(orderRecordSchema),
      // One request per chunk at the default chunk size: API Gateway and Lambda bill per request, and the
      // endpoint splits the keys into BatchGetItem calls of 100 itself. A request may take the function's
      // whole timeout (a cold start, a throttled table): the enricher waits a little longer than that
      // before abandoning and retrying it, and 3 attempts fit enrich-chunk's time.
      enrichment: RecordEnricher.fromRestApi(this.financialsApi, {
        path: '/financials/batch',
        batchSize: 1000,
        fields: FINANCIAL_FIELDS,
        timeout: FINANCIALS_TIMEOUT.plus(Duration.seconds(2)),
        maxAttempts: 3,
      }),
      email,
      // The example is meant to be torn down; a production stack keeps the default, RETAIN.
      removalPolicy: RemovalPolicy.DESTROY,
      ...props.processorProps,
    });

    // What the README's commands look up.
    new CfnOutput(this, 'BucketName', { value: this.processor.bucket.bucketName });
    new CfnOutput(this, 'FinancialsTableName', { value: this.financialsTable.tableName });
    new CfnOutput(this, 'RejectedRecordsTableName', { value: this.processor.rejectedRecordsTable.tableName });
    new CfnOutput(this, 'OrchestratorArn', { value: this.processor.orchestrator.stateMachineArn });
  }
}
