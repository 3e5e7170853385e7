import type { InputRun, LocalRunResult } from '../run/app-run';

type RunError = LocalRunResult['error'];

// A Cause can hold a whole child execution's description: the JSON output has it in full.
const shortened = (error: NonNullable<RunError>) => (error.message.length > 400 ? `${error.message.slice(0, 400)}…` : error.message);
const failure = (error: RunError) => (error ? ` — ${error.code}: ${shortened(error)}` : '');
const redriven = (redrives: number) => (redrives ? ` (after ${redrives} redrive${redrives === 1 ? '' : 's'})` : '');
const counts = (records: LocalRunResult['records']) => `${records.total} total, ${records.valid} valid, ${records.rejected} rejected`;

/** One input's run among several: its status, counts and files, indented under the runs' heading. */
function runLines(run: InputRun): string[] {
  return [
    `  ${run.input}: run ${run.runId} ${run.status}${failure(run.error)}${redriven(run.redrives)}`,
    `    Records: ${counts(run.records)}, in ${run.chunks} chunks`,
    `    Output:  ${run.output ?? '(none published)'}`,
    `    Rejects: ${run.rejects ?? '(none)'}`,
  ];
}

/**
 * A run's result for a reader: status, counts, where its files are, what it used and cost. With several inputs, each
 * input's run and the totals.
 */
export function humanSummary(r: LocalRunResult): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  const { totals } = r;
  const runs = r.runs.length === 1
    ? [
      `Run ${r.runId} of ${r.processor}: ${r.status}${failure(r.error)}${redriven(r.redrives)}`,
      `Records: ${counts(r.records)}, in ${r.chunks} chunks`,
      `Output:  ${r.output ?? '(none published)'}`,
      `Rejects: ${r.rejects ?? '(none)'}`,
      `Rejected-records table: ${r.rejectedRecordsFile ?? '(no items)'}`,
      `Summary: ${r.summary ?? '(none)'}`,
    ]
    : [
      `${totals.runs} runs of ${r.processor}, uploaded at once: ${totals.succeeded} succeeded, ${totals.failed} failed`,
      ...r.runs.flatMap(runLines),
      `Totals: ${totals.records.total} records, ${totals.records.valid} valid, ${totals.records.rejected} rejected`,
    ];
  const { throttles, stepFunctionsThrottles, maxConcurrentInvocations } = r.stats;
  const lines = [
    ...runs,
    `Emails:  ${r.emails.length ? r.emails.map((e) => `to ${e.to}: "${e.subject}"`).join('; ') : '(none)'}`,
    `Lambda logs: ${r.log}`,
    `AWS usage: ${r.stats.stateTransitions} state transitions, ${r.stats.expressRequests} Express requests, ${r.stats.lambdaInvocations} Lambda invocations `
      + `(${r.stats.lambdaGbSeconds} GB-s, at most ${maxConcurrentInvocations} at once), ${r.stats.s3Requests} S3 requests, ${r.stats.apiRequests} API requests, `
      + `${r.stats.dynamodbWriteUnits} DynamoDB write units, ${r.stats.emails} emails`,
    ...throttles ? [`Throttled: ${throttles} requests (${throttles - stepFunctionsThrottles} by Lambda, ${stepFunctionsThrottles} StartExecution)`] : [],
    ...r.stats.accessDenied.map((d) => `Access denied: ${d.action} on ${d.resource} (${d.caller})`),
    `Estimated AWS cost: $${r.estimatedAwsCostUsd.toFixed(6)} · ${seconds(r.durationMs)} s `
      + `(setup ${seconds(r.phasesMs.setup)} s of which table data ${seconds(r.phasesMs.lookup)} s, run ${seconds(r.phasesMs.run)} s)`,
  ];
  return lines.join('\n');
}
