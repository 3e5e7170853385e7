/**
 * The one event every finished run puts on the processor's event bus, for other systems to react
 * to (source and detail types: src/contract/run-events.ts).
 */
import { PutEventsCommand, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { RUN_EVENT_SOURCE, RUN_FAILED_DETAIL_TYPE, RUN_SUCCEEDED_DETAIL_TYPE, RunEventDetail } from '../../src/contract/run-events';
import { RunSummary } from '../../src/contract/run-payloads';
import { eventBridgeClient } from '../shared/aws-clients';

/** The run event of a summary: keys only where something was written; never record contents. */
export function runEventOf(summary: RunSummary, summaryKey: string, eventBusName: string): PutEventsRequestEntry {
  const detail: RunEventDetail = {
    runId: summary.runId,
    executionArn: summary.executionArn ?? '',
    bucket: summary.input.bucket,
    inputKey: summary.input.key,
    ...(summary.output !== undefined ? { outputKey: summary.output } : {}),
    ...(summary.rejects !== undefined ? { rejectsKey: summary.rejects } : {}),
    summaryKey,
    ...(summary.records ? { records: summary.records } : {}),
    ...(summary.error ? { error: summary.error } : {}),
    ...(summary.redriveCount ? { redriveCount: summary.redriveCount } : {}),
  };
  return {
    Source: RUN_EVENT_SOURCE,
    DetailType: summary.status === 'SUCCEEDED' ? RUN_SUCCEEDED_DETAIL_TYPE : RUN_FAILED_DETAIL_TYPE,
    Detail: JSON.stringify(detail),
    EventBusName: eventBusName,
    Resources: summary.executionArn ? [summary.executionArn] : [],
  };
}

/**
 * Puts the event. PutEvents reports a refused entry in its answer rather than as an error, so a
 * refusal is thrown here: other systems rely on the event, and a run whose event was lost must
 * fail (and be redriven) rather than end quietly.
 */
export async function putRunEvent(entry: PutEventsRequestEntry): Promise<void> {
  const answer = await eventBridgeClient().send(new PutEventsCommand({ Entries: [entry] }));
  const refused = answer.Entries?.[0];
  if ((answer.FailedEntryCount ?? 0) > 0 || refused?.ErrorCode) {
    throw new Error(`the run event was not put on ${entry.EventBusName}: ${refused?.ErrorCode ?? 'refused'} ${refused?.ErrorMessage ?? ''}`.trim());
  }
}
