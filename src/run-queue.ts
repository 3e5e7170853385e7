import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { RUN_TURNS_ENVIRONMENT } from './contract/handler-environment';
import { RUN_QUEUE_KEYS, RUN_QUEUE_TTL_ATTRIBUTE } from './contract/run-turns';
import { HandlerFunction } from './handler-function';
import { processorTable } from './processor-table';
import { ResolvedProps } from './resolved-props';
import { UNSUCCESSFUL_RUN_STATUSES } from './run-failure-reporting';
import { deliverStatusChanges, StatusChangeDelivery, StatusChangeTarget } from './status-change-delivery';

export interface RunQueueProps {
  readonly config: ResolvedProps;
  readonly encryptionKey?: kms.IKey;
}

/** The queue that holds a burst of uploads: at most `maxConcurrentRuns` runs at once, the others waiting in upload order. */
export interface RunQueue {
  /** The turns held, the runs waiting and the runs released (lambda-src/turns/dynamodb-queue-store.ts). */
  readonly table: dynamodb.Table;
  /** run-turns: the orchestrator's TakeTurn state asks it for a turn (src/turn-states.ts); each run's end releases it. */
  readonly turnsFunction: lambda.Function;
}

/**
 * The run queue's table and function. The function is granted the item calls it makes (GetItem, Query,
 * PutItem, UpdateItem, DeleteItem), not grantReadWriteData's batch, scan and ConditionCheckItem actions.
 */
export function createRunQueue(scope: Construct, props: RunQueueProps): RunQueue {
  const { config, encryptionKey: key } = props;
  const table = processorTable(scope, 'RunQueue', {
    partitionKey: { name: RUN_QUEUE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: RUN_QUEUE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
    timeToLiveAttribute: RUN_QUEUE_TTL_ATTRIBUTE,
    removalPolicy: config.removalPolicy,
    encryptionKey: key,
  });
  const turnsFunction = new HandlerFunction(scope, 'RunTurns', {
    handlerName: 'run-turns',
    description: 'Admits at most maxConcurrentRuns runs at once, in upload order, and releases their turns when they end',
    memorySize: 256,
    // A handful of small requests, each retried by the SDK when throttled (lambda-src/shared/aws-clients.ts).
    timeout: Duration.seconds(30),
    environment: RUN_TURNS_ENVIRONMENT.encode({
      logLevel: config.logLevel,
      table: table.tableName,
      maxConcurrentRuns: config.maxConcurrentRuns,
      runTimeoutSeconds: config.runTimeout.toSeconds(),
    }),
    logRetention: config.logRetention,
    removalPolicy: config.removalPolicy,
    encryptionKey: key,
  });
  table.grant(turnsFunction, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
  key?.grantEncryptDecrypt(turnsFunction);
  return { table, turnsFunction };
}

/**
 * Releases a run's turn, or its place in the queue, when its execution ends, whichever way: the rule on the
 * orchestrator's status changes sends them to run-turns, as the failure report is made
 * (src/run-failure-reporting.ts). A release that was not made is kept; until it is replayed, the run's turn is
 * held until its deadline, `runTimeout` after it queued.
 */
export function releaseTurnsOnRunEnd(scope: Construct, target: StatusChangeTarget): StatusChangeDelivery {
  return deliverStatusChanges(scope, {
    ...target,
    statuses: ['SUCCEEDED', ...UNSUCCESSFUL_RUN_STATUSES],
    ruleId: 'RunEndedRule',
    description: 'Releases the turn of a batch run that ended, for the next run waiting',
    deadLetterQueueId: 'RunQueueDeadLetterQueue',
  });
}
