import { assembleChunk, cellText } from '../../../lambda-src/enrich/enriched-chunk';
import { Lookup, noDataReason } from '../../../lambda-src/enrich/lookup';

const missing: Lookup = { reason: 'no enrichment data for uuid=2' };

describe('row assembly', () => {
  test('appends values by column name and rejects records without data', () => {
    const chunk = assembleChunk(
      ['uuid', 'Country'],
      [{ line: 2, fields: ['1', 'Chad'], text: '1,Chad' }, { line: 4, fields: ['2', 'Peru'], text: '2,Peru' }, { line: 5, fields: ['3', 'Fiji'], text: '3,Fiji' }],
      [{ values: { unitsSold: 3, unitPrice: '1.50' } }, missing, { values: { unitPrice: null } }],
      ['unitsSold', 'unitPrice'],
      ',',
    );
    expect(chunk.header).toEqual(['uuid', 'Country', 'unitsSold', 'unitPrice']);
    expect(chunk.csv).toBe('uuid,Country,unitsSold,unitPrice\n1,Chad,3,1.50\n3,Fiji,,\n');
    expect(chunk.enriched).toBe(2);
    expect(chunk.rejects).toEqual([{ line: 4, fields: ['2', 'Peru'], reasons: ['no enrichment data for uuid=2'] }]);
  });

  test('writes each record as its fields formatted, whatever quoting the input used', () => {
    const records = [
      { line: 2, fields: ['a', 'b'], text: '"a","b"' },
      { line: 3, fields: ['x;y', 'say "hi"'], text: '"x;y";"say ""hi"""' },
      { line: 4, fields: ['c\rd', 'e'], text: 'c\rd;e' },
      { line: 5, fields: ['as', 'is'], text: 'as;is' },
    ];
    const values = { n: 'v;w' };
    const chunk = assembleChunk(['p', 'q'], records, records.map(() => ({ values })), ['n'], ';');
    expect(chunk.csv).toBe('p;q;n\na;b;"v;w"\n"x;y";"say ""hi""";"v;w"\n"c\rd";e;"v;w"\nas;is;"v;w"\n');
  });

  test('refuses a lookup count that does not match the records', () => {
    expect(() => assembleChunk(['a'], [{ line: 2, fields: ['x'], text: 'x' }], [], [], ',')).toThrow(/0 lookups for 1 records/);
  });

  test('writes cells as text', () => {
    expect([cellText('a'), cellText(1.25), cellText(false), cellText(null), cellText(undefined), cellText({ a: [1] })])
      .toEqual(['a', '1.25', 'false', '', '', '{"a":[1]}']);
  });

  test('reject reasons name the key columns', () => {
    expect(noDataReason(['uuid'], ['Country', 'uuid'], ['Chad', '123456789'])).toBe('no enrichment data for uuid=123456789');
    expect(noDataReason([], ['uuid'], ['1'])).toBe('no enrichment data');
  });
});
