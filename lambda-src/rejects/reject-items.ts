import { AttributeValue } from '@aws-sdk/client-dynamodb';
import { fieldBudget, fieldsWithinBudget } from './item-size-limit';
import { RejectedRecord } from '../../src/contract/run-payloads';

/**
 * One reject as a rejected-records table item (pk `runId`, sk `line`). A record too large for an
 * item is stored with its largest fields shortened and marked (`item-size-limit.ts`).
 */
export function rejectItem(runId: string, chunk: number, reject: RejectedRecord, expiresAt: number): Record<string, AttributeValue> {
  const fields = fieldsWithinBudget(reject.fields, fieldBudget(runId, reject.reasons, reject.fields.length));
  return {
    runId: { S: runId },
    line: { N: String(reject.line) },
    chunk: { N: String(chunk) },
    fields: { L: fields.map((field) => ({ S: field })) },
    reasons: { L: reject.reasons.map((reason) => ({ S: reason })) },
    expiresAt: { N: String(expiresAt) },
  };
}

/** The TTL attribute: `days` after `now`, in epoch seconds. */
export function expiryOf(now: Date, days: number): number {
  return Math.floor(now.getTime() / 1000) + days * 86_400;
}
