import { RejectedRecord } from '../../src/contract/run-payloads';

/**
 * Line-ordered lists of rejects (a chunk's validation and enrichment rejects) as one list in line
 * order. A line in both lists (which the pipeline does not produce) becomes one reject with the
 * reasons of both, so a line is never stored or reported twice.
 */
export function mergeRejectsByLine(...lists: readonly (readonly RejectedRecord[])[]): RejectedRecord[] {
  const byLine = new Map<number, RejectedRecord>();
  for (const list of lists) {
    for (const reject of list) {
      const seen = byLine.get(reject.line);
      byLine.set(reject.line, seen ? { ...seen, reasons: [...seen.reasons, ...reject.reasons] } : reject);
    }
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}
