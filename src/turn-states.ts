import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { RunState } from './contract/execution-states';
import { TakeTurnRequest } from './contract/run-turns';
import { PayloadTemplate, statePath } from './contract/state-paths';
import { invokeHandler } from './handler-task';

const runPath = statePath<RunState>;

/**
 * The orchestrator's first states, before `next`: TakeTurn asks run-turns for a turn (at `$.turn`),
 * IsAdmitted goes on to `next` once the run has one, and WaitForTurn waits as long as the answer says
 * before asking again. The state machine's TimeoutSeconds counts the waits with the rest of the run.
 *
 * A redrive resumes a run where it stopped: one stopped while waiting asks for a turn again, in its
 * upload's place; one stopped later goes on without a turn, as its release gave it up, and is not
 * counted against maxConcurrentRuns until it ends (docs/operations.md, "Bursts of uploads").
 */
export function takeTurnBefore(scope: Construct, turnsFunction: lambda.Function, next: sfn.IChainable): sfn.Chain {
  const takeTurn = invokeHandler(scope, 'TakeTurn', turnsFunction, {
    // The whole state as the run: the RunRequest, its ticket and versionId when they are there.
    payload: sfn.TaskInput.fromObject({
      run: sfn.JsonPath.entirePayload,
      executionArn: sfn.JsonPath.stringAt('$$.Execution.Id'),
      startTime: sfn.JsonPath.stringAt('$$.Execution.StartTime'),
      redriveCount: sfn.JsonPath.numberAt('$$.Execution.RedriveCount'),
    } satisfies PayloadTemplate<TakeTurnRequest>),
    resultPath: runPath('turn'),
    timeout: turnsFunction.timeout,
  });
  const waitForTurn = new sfn.Wait(scope, 'WaitForTurn', { time: sfn.WaitTime.secondsPath(runPath('turn.waitSeconds')) });
  const isAdmitted = new sfn.Choice(scope, 'IsAdmitted')
    .when(sfn.Condition.booleanEquals(runPath('turn.admitted'), true), next)
    .otherwise(waitForTurn.next(takeTurn));
  return takeTurn.next(isAdmitted);
}
