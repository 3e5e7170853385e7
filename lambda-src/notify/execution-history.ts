import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { failedStepOf } from './run-failure';
import { log } from '../shared/logger';

let client: SFNClient | undefined;

/**
 * The step the execution failed at, from the newest events of its history. Only a help for the
 * reader: when the history cannot be read, the failure is reported without it.
 */
export async function readFailedStep(executionArn: string): Promise<string | undefined> {
  try {
    client ??= new SFNClient({});
    const history = await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 50 }));
    return failedStepOf(history.events ?? []);
  } catch (error) {
    log.warn('execution history not read', { executionArn, error: (error as Error).name });
    return undefined;
  }
}
