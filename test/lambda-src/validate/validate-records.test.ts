import { validatedRecordsOf } from '../../../lambda-src/enrich/validated-records';
import { acceptAll } from '../../../lambda-src/validate/batch-validator';
import { schemaValidator } from '../../../lambda-src/validate/schema-validator';
import { processedCsv, validatedChunkJson } from '../../../lambda-src/validate/valid-output';
import { validateChunk } from '../../../lambda-src/validate/validate-records';

/** The uuid must be 9 digits. */
const schema = JSON.stringify({ type: 'object', properties: { uuid: { type: 'string', pattern: '^\\d{9}$' } } });

describe('validateChunk', () => {
  test('input lines come from firstLine and physical offsets, after multi-line records and blank lines', async () => {
    const chunk = 'id,note\r\n1,"two\r\nlines"\r\n\r\n2,short\n3,"a\nb\nc"\n4\n5,ok\n';
    const verdicts = await validateChunk([chunk], { file: 'c.csv', delimiter: ',', firstLine: 100 }, acceptAll);
    expect(verdicts.header).toEqual(['id', 'note']);
    expect(verdicts.valid.map((r) => [r.line, r.fields])).toEqual([
      [100, ['1', 'two\r\nlines']],
      [103, ['2', 'short']],
      [104, ['3', 'a\nb\nc']],
      [108, ['5', 'ok']],
    ]);
    expect(verdicts.rejected).toEqual([{ line: 107, fields: ['4'], reasons: ['expected 2 fields, found 1'] }]);
  });

  test('invalid UTF-8 and schema rejects come out in line order', async () => {
    const chunk = Buffer.concat([
      Buffer.from('uuid,Country,Sales Channel,Units\n123456789,Chad,Online,1\n'),
      Buffer.from('123456789,'), Buffer.from([0xff]), Buffer.from(',Online,1\n'),
      Buffer.from('1,Chad,Online,1\n'),
    ]);
    const verdicts = await validateChunk([chunk], { file: 'c.csv', delimiter: ',', firstLine: 2 }, schemaValidator(schema));
    expect(verdicts.valid.map((r) => r.line)).toEqual([2]);
    expect(verdicts.rejected.map((r) => [r.line, r.reasons])).toEqual([[3, ['invalid UTF-8']], [4, ['uuid: must match ^\\d{9}$']]]);
  });

  test('valid output: the records as written in the input, with their lines for enrichment', async () => {
    const chunk = 'a;b\n"x;y";"say ""hi"""\n1;2;3\n\nz;"multi\nline"\n';
    const verdicts = await validateChunk([chunk], { file: 'c.csv', delimiter: ';', firstLine: 2 }, acceptAll);
    expect(processedCsv(verdicts).toString()).toBe('a;b\n"x;y";"say ""hi"""\nz;"multi\nline"\n');
    const validated = validatedChunkJson(verdicts.valid);
    expect(JSON.parse(validated)).toEqual({ lines: [2, 5], records: ['"x;y";"say ""hi"""', 'z;"multi\nline"'] });
    // enrich-chunk reads it back: each record's line, fields and text.
    expect(validatedRecordsOf(validated, ';')).toEqual([
      { line: 2, fields: ['x;y', 'say "hi"'], text: '"x;y";"say ""hi"""' },
      { line: 5, fields: ['z', 'multi\nline'], text: 'z;"multi\nline"' },
    ]);
  });

  test('a chunk with its records\' lines (a rejects file given back) names each record by them', async () => {
    const chunk = 'id,note\n1,"two\nlines"\n2\n3,ok\n';
    const verdicts = await validateChunk([chunk], { file: 'c.csv', delimiter: ',', firstLine: 9, lines: [9, 57, 1203] }, acceptAll);
    expect(verdicts.valid.map((r) => r.line)).toEqual([9, 1203]);
    expect(verdicts.rejected).toEqual([{ line: 57, fields: ['2'], reasons: ['expected 2 fields, found 1'] }]);
    // The lines are split-input's: as many as the records, or the chunk cannot be numbered.
    await expect(validateChunk([chunk], { file: 'c.csv', delimiter: ',', firstLine: 9, lines: [9, 57] }, acceptAll))
      .rejects.toThrow('c.csv has more records, but 2 lines were given for them');
    await expect(validateChunk([chunk], { file: 'c.csv', delimiter: ',', firstLine: 9, lines: [9, 57, 1203, 1204] }, acceptAll))
      .rejects.toThrow('c.csv has 3 records, but 4 lines were given for them');
  });
});
