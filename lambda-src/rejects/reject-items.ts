import { AttributeValue } from '@aws-sdk/client-dynamodb';
import { RejectedRecord } from '../shared/contracts';

/** One reject as a rejected-records table item (pk `runId`, sk `line`). */
export function rejectItem(runId: string, chunk: number, reject: RejectedRecord, expiresAt: number): Record<string, AttributeValue> {
  return {
    runId: { S: runId },
    line: { N: String(reject.line) },
    chunk: { N: String(chunk) },
    fields: { L: reject.fields.map((field) => ({ S: field })) },
    reasons: { L: reject.reasons.map((reason) => ({ S: reason })) },
    expiresAt: { N: String(expiresAt) },
  };
}

/** The TTL attribute: `days` after `now`, in epoch seconds. */
export function expiryOf(now: Date, days: number): number {
  return Math.floor(now.getTime() / 1000) + days * 86_400;
}
