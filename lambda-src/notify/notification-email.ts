import { baseName } from '../../src/contract/run-layout';
import { RunSummary } from '../../src/contract/run-payloads';

/** Presigned GET links to the published files. */
export interface ResultLinks {
  readonly output: string;
  readonly rejects: string;
  readonly expiresInSeconds: number;
}

export interface NotificationEmail {
  readonly subject: string;
  readonly text: string;
}

const count = (n: number) => n.toLocaleString('en-US');

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${seconds % 60} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function expiry(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : `${Math.round(seconds / 60)} min`;
}

/**
 * The email that tells people how a run ended. It holds counts, keys and the failure's message:
 * never record contents (the rejects file, behind its link, holds those).
 */
export function notificationEmail(summary: RunSummary, links?: ResultLinks): NotificationEmail {
  const file = baseName(summary.input.key);
  const lines: string[] = [];
  let subject: string;
  if (summary.status === 'SUCCEEDED') {
    const records = summary.records;
    subject = records
      ? `Batch run ${file}: ${count(records.valid)} valid, ${count(records.rejected)} rejected`
      : `Batch run ${file}: succeeded`;
    const redriven = summary.redriveCount ? ` after ${summary.redriveCount === 1 ? 'a redrive' : `${summary.redriveCount} redrives`}` : '';
    lines.push(`The batch run of s3://${summary.input.bucket}/${summary.input.key} succeeded${redriven}.`, '');
    if (records) {
      lines.push(`Records: ${count(records.total)}`, `Valid: ${count(records.valid)}`, `Rejected: ${count(records.rejected)}`);
    }
  } else {
    subject = `Batch run ${file} failed: ${summary.error?.code ?? 'Unknown'}`;
    lines.push(
      `The batch run of s3://${summary.input.bucket}/${summary.input.key} failed.`,
      '',
      ...(summary.failedStep ? [`Failed step: ${summary.failedStep}`] : []),
      `Error: ${summary.error?.code ?? 'Unknown'}`,
      `Cause: ${summary.error?.message ?? 'not reported'}`,
      '',
      'No output was published. The input file stays where it was uploaded unless the run got as far as publishing.',
    );
    if (summary.redrive) {
      const until = summary.redrive.possibleUntil ? ` (possible until ${summary.redrive.possibleUntil})` : '';
      lines.push(
        '',
        `Once the cause is fixed, resume the run from the failed step${until}; chunks already processed are not processed again:`,
        summary.redrive.command,
      );
    }
    lines.push('');
  }
  if (summary.chunks !== undefined) lines.push(`Chunks: ${count(summary.chunks)}`);
  if (summary.durationMs !== undefined) lines.push(`Duration: ${duration(summary.durationMs)}`);
  lines.push(`Run id: ${summary.runId}`);
  if (links) {
    lines.push(
      '',
      `Output (${summary.output}):`,
      links.output,
      '',
      `Rejected records (${summary.rejects}):`,
      links.rejects,
      '',
      `The links expire within ${expiry(links.expiresInSeconds)}, or earlier if the signing session ends first.`,
    );
  }
  return { subject, text: lines.join('\n') + '\n' };
}
