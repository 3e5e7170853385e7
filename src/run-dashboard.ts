import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { recordsMetric, runQueueMetric, unsuccessfulRunsMetric } from './run-metrics';

export interface RunDashboardProps {
  readonly orchestrator: sfn.IStateMachine;
  readonly chunkProcessor: sfn.IStateMachine;
}

/** Runs, the run queue, durations, records and chunk failures of one processor on one dashboard. */
export function createRunDashboard(scope: Construct, props: RunDashboardProps): cloudwatch.Dashboard {
  const { orchestrator, chunkProcessor } = props;
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard');
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Runs',
      left: [orchestrator.metricSucceeded({ label: 'Succeeded', statistic: cloudwatch.Stats.SUM }), unsuccessfulRunsMetric(orchestrator)],
    }),
    new cloudwatch.GraphWidget({
      title: 'Runs waiting and running (maxConcurrentRuns)',
      left: [runQueueMetric(orchestrator, 'RunsWaiting', { label: 'Waiting' }), runQueueMetric(orchestrator, 'RunsRunning', { label: 'Running' })],
    }),
    new cloudwatch.GraphWidget({ title: 'Run duration', left: [orchestrator.metricTime({ statistic: cloudwatch.Stats.AVERAGE, label: 'Average' })] }),
    new cloudwatch.GraphWidget({
      title: 'Records',
      left: [recordsMetric(orchestrator, 'RecordsValid', { label: 'Valid' }), recordsMetric(orchestrator, 'RecordsRejected', { label: 'Rejected' })],
    }),
    new cloudwatch.GraphWidget({
      title: 'Chunk failures',
      left: [
        chunkProcessor.metricFailed({ label: 'Chunk executions failed', statistic: cloudwatch.Stats.SUM }),
        recordsMetric(orchestrator, 'ChunksFailed', { label: 'Chunks failed within the tolerance' }),
      ],
    }),
  );
  return dashboard;
}
