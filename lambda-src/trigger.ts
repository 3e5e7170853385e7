import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { S3Event } from 'aws-lambda';
import { stepFunctionsClient } from './shared/aws-clients';
import { log } from './shared/logger';
import { runRequestsFrom } from './trigger/run-requests';
import { TRIGGER_ENVIRONMENT } from '../src/contract/handler-environment';

/**
 * Starts the orchestrator once per uploaded CSV file. The execution name is the run id, so a
 * repeated delivery of the same event finds the execution already started. Any other error is
 * rethrown: the asynchronous invocation is retried and finally lands in the dead-letter queue.
 */
export async function handler(event: S3Event): Promise<{ started: string[]; duplicates: string[] }> {
  const { stateMachineArn } = TRIGGER_ENVIRONMENT.decode(process.env);
  const started: string[] = [];
  const duplicates: string[] = [];
  for (const request of runRequestsFrom(event)) {
    try {
      await stepFunctionsClient().send(new StartExecutionCommand({ stateMachineArn, name: request.runId, input: JSON.stringify(request) }));
      log.info('run started', { runId: request.runId, bucket: request.bucket, key: request.key });
      started.push(request.runId);
    } catch (error) {
      if ((error as Error).name !== 'ExecutionAlreadyExists') throw error;
      log.info('run already started: duplicate event', { runId: request.runId, bucket: request.bucket, key: request.key });
      duplicates.push(request.runId);
    }
  }
  return { started, duplicates };
}
