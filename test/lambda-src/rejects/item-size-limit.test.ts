import { AttributeValue } from '@aws-sdk/client-dynamodb';
import { MAX_ITEM_BYTES, fieldsWithinBudget } from '../../../lambda-src/rejects/item-size-limit';
import { rejectItem } from '../../../lambda-src/rejects/reject-items';

/** DynamoDB's item size rule: attribute names plus values; a list costs 3 bytes plus 1 per element. */
function itemBytes(item: Record<string, AttributeValue>): number {
  const valueBytes = (value: AttributeValue): number => {
    if (value.S !== undefined) return Buffer.byteLength(value.S);
    if (value.N !== undefined) return Math.ceil(value.N.length / 2) + 1;
    return 3 + value.L!.reduce((sum, element) => sum + 1 + valueBytes(element), 0);
  };
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);
}

const texts = (item: Record<string, AttributeValue>) => item.fields.L!.map((v) => v.S!);

test('a record that fits is stored as it is', () => {
  const fields = ['100000001', 'Norway', 'x'.repeat(300_000)];
  const item = rejectItem('run-1', 0, { line: 2, fields, reasons: ['Country: must be at most 50 characters'] }, 100);
  expect(texts(item)).toEqual(fields);
});

test('a record of several MB is stored under the item limit: its large field shortened and marked, the others whole', () => {
  const big = 'é'.repeat(1_500_000); // 3,000,000 bytes of two-byte characters
  const fields = ['100000001', big, 'Snacks', 'y'.repeat(500_000)];
  const item = rejectItem('orders-7f3a', 4, { line: 9, fields, reasons: ['Country: must be at most 50 characters'] }, 100);
  expect(itemBytes(item)).toBeLessThanOrEqual(MAX_ITEM_BYTES);
  const stored = texts(item);
  expect(stored[0]).toBe('100000001');
  expect(stored[2]).toBe('Snacks');
  expect(stored[1]).toMatch(/^é+…\[truncated: 3000000 bytes in all/);
  expect(stored[3]).toMatch(/^y+…\[truncated: 500000 bytes in all/);
  // Cut at a character boundary: no replacement character from half an 'é'.
  expect(stored[1]).not.toContain('\uFFFD');
  // The budget is shared: both large fields keep a large prefix.
  expect(stored[1].length).toBeGreaterThan(50_000);
  expect(stored[3].length).toBeGreaterThan(50_000);
});

test('a record of very many fields keeps the leading fields that fit, then one marker', () => {
  const fields = Array.from({ length: 5_000 }, (_, i) => `field-${i}`);
  const stored = fieldsWithinBudget(fields, 1_000);
  expect(stored.length).toBeGreaterThan(1);
  expect(stored.slice(0, -1)).toEqual(fields.slice(0, stored.length - 1));
  expect(stored[stored.length - 1]).toMatch(/^…\[truncated/);
  expect(stored.join('').length).toBeLessThanOrEqual(1_000);
});
