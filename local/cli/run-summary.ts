import { LocalRunResult } from '../run/app-run';

/** A run's result for a reader: status, counts, where its files are, what it used and cost. */
export function humanSummary(r: LocalRunResult): string {
  // A Cause can hold a whole child execution's description: the JSON output has it in full.
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  const message = r.error && r.error.message.length > 400 ? `${r.error.message.slice(0, 400)}…` : r.error?.message;
  const lines = [
    `Run ${r.runId} of ${r.processor}: ${r.status}${r.error ? ` — ${r.error.code}: ${message}` : ''}`
      + `${r.redrives ? ` (after ${r.redrives} redrive${r.redrives === 1 ? '' : 's'})` : ''}`,
    `Records: ${r.records.total} total, ${r.records.valid} valid, ${r.records.rejected} rejected, in ${r.chunks} chunks`,
    `Output:  ${r.output ?? '(none published)'}`,
    `Rejects: ${r.rejects ?? '(none)'}`,
    `Rejected-records table: ${r.rejectedRecordsFile ?? '(no items)'}`,
    `Summary: ${r.summary ?? '(none)'}`,
    `Emails:  ${r.emails.length ? r.emails.map((e) => `to ${e.to}: "${e.subject}"`).join('; ') : '(none)'}`,
    `Lambda logs: ${r.log}`,
    `AWS usage: ${r.stats.stateTransitions} state transitions, ${r.stats.expressRequests} Express requests, ${r.stats.lambdaInvocations} Lambda invocations `
      + `(${r.stats.lambdaGbSeconds} GB-s), ${r.stats.s3Requests} S3 requests, ${r.stats.apiRequests} API requests, `
      + `${r.stats.dynamodbWriteUnits} DynamoDB write units, ${r.stats.emails} emails`,
    ...r.stats.accessDenied.map((d) => `Access denied: ${d.action} on ${d.resource} (${d.caller})`),
    `Estimated AWS cost: $${r.estimatedAwsCostUsd.toFixed(6)} · ${seconds(r.durationMs)} s `
      + `(setup ${seconds(r.phasesMs.setup)} s of which table data ${seconds(r.phasesMs.lookup)} s, run ${seconds(r.phasesMs.run)} s)`,
  ];
  return lines.join('\n');
}
