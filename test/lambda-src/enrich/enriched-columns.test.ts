import { selectColumns } from '../../../lambda-src/enrich/enriched-columns';
import { Lookup } from '../../../lambda-src/enrich/lookup';

const missing: Lookup = { reason: 'no enrichment data for uuid=2' };

describe('column selection', () => {
  const lookups: Lookup[] = [
    missing,
    { values: { uuid: '1', unitsSold: 3, unitPrice: '1.5', extra: true } },
    { values: { unitPrice: '2', uuid: '3', unitsSold: 4 } },
  ];

  test('takes the first answer with data, in answer order, without the key', () => {
    expect(selectColumns(lookups, { exclude: ['uuid'], order: 'answer' })).toEqual(['unitsSold', 'unitPrice', 'extra']);
  });

  test('sorts by name when asked (table attributes)', () => {
    expect(selectColumns(lookups, { exclude: ['uuid'], order: 'name' })).toEqual(['extra', 'unitPrice', 'unitsSold']);
  });

  test('the enricher\'s fields win, even when nothing was found', () => {
    expect(selectColumns([missing], { fields: ['unitCost', 'unitPrice'], exclude: ['uuid'], order: 'answer' })).toEqual(['unitCost', 'unitPrice']);
    expect(selectColumns([missing], { exclude: ['uuid'], order: 'answer' })).toEqual([]);
  });
});
