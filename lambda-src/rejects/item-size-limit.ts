/**
 * DynamoDB refuses an item over 400 KB, but a rejected record can be far larger: a field of
 * several MB is rejected by the schema, not by the pipeline. The table therefore keeps a copy
 * of such a record with its largest fields shortened and marked, and the run's rejects file (merged
 * from the chunks' rejects files, which have no size limit) keeps it whole.
 */

/** DynamoDB's item size limit, in bytes. */
export const MAX_ITEM_BYTES = 400 * 1024;

/** Room kept for the item's other attributes and DynamoDB's per-attribute overhead. */
const RESERVED_BYTES = 2 * 1024;

/** Appended to a shortened field, so nobody takes it for the record's value. */
export function truncationMarker(originalBytes: number): string {
  return `…[truncated: ${originalBytes} bytes in all, the run's rejects file holds the whole record]`;
}

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** At most `maxBytes` of `text`'s UTF-8, cut at a character boundary. */
function utf8Prefix(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  let end = Math.min(maxBytes, bytes.length);
  // Continuation bytes (0x80–0xBF) belong to the character before them.
  while (end > 0 && end < bytes.length && bytes[end] >= 0x80 && bytes[end] < 0xc0) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/**
 * The fields to store for a rejected record: unchanged when they fit in `budgetBytes`; otherwise
 * every field longer than a common cap is cut to the cap and marked, with the cap as large as
 * the budget allows, so small fields stay whole and the large ones share the rest. If even empty
 * marked fields do not fit (a record of very many fields), the leading fields that fit are kept,
 * followed by one marker.
 */
export function fieldsWithinBudget(fields: readonly string[], budgetBytes: number): string[] {
  const sizes = fields.map(utf8Bytes);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total <= budgetBytes) return [...fields];
  const costWithCap = (cap: number) => sizes.reduce((sum, size) => sum + (size <= cap ? size : cap + utf8Bytes(truncationMarker(size))), 0);
  if (costWithCap(0) > budgetBytes) {
    const kept: string[] = [];
    let used = utf8Bytes(truncationMarker(total));
    for (let i = 0; i < fields.length && used + sizes[i] <= budgetBytes; i++) {
      kept.push(fields[i]);
      used += sizes[i];
    }
    return [...kept, truncationMarker(total)];
  }
  let low = 0;
  let high = Math.max(...sizes);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (costWithCap(mid) <= budgetBytes) low = mid;
    else high = mid - 1;
  }
  return fields.map((field, i) => (sizes[i] <= low ? field : utf8Prefix(field, low) + truncationMarker(sizes[i])));
}

/** The bytes left for a rejected record's fields in an item that also holds `runId` and `reasons`. */
export function fieldBudget(runId: string, reasons: readonly string[], fieldCount: number): number {
  // A list element costs a byte of overhead besides its value.
  const reasonBytes = reasons.reduce((sum, reason) => sum + utf8Bytes(reason) + 1, 0);
  return MAX_ITEM_BYTES - RESERVED_BYTES - utf8Bytes(runId) - reasonBytes - fieldCount;
}
