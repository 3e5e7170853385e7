import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { failedStepOf } from './run-failure';
import { stepFunctionsClient } from '../shared/aws-clients';
import { log } from '../shared/logger';

/**
 * The step the execution failed at, from the newest events of its history. Only a help for the
 * reader: when the history cannot be read, the failure is reported without it.
 */
export async function readFailedStep(executionArn: string): Promise<string | undefined> {
  try {
    const history = await stepFunctionsClient().send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 50 }));
    return failedStepOf(history.events ?? []);
  } catch (error) {
    log.warn('execution history not read', { executionArn, error: (error as Error).name });
    return undefined;
  }
}
