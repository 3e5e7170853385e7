import { validatedRecordsOf } from '../../lambda-src/enrich/validated-records';
import { acceptAll } from '../../lambda-src/validate/batch-validator';
import { lambdaValidator, verdictsOf } from '../../lambda-src/validate/lambda-validator';
import { schemaValidator } from '../../lambda-src/validate/schema-validator';
import { processedCsv, validatedChunkJson } from '../../lambda-src/validate/valid-output';
import { validateChunk } from '../../lambda-src/validate/validate-records';

const schema = JSON.stringify({
  type: 'object',
  properties: {
    'uuid': { type: 'string', pattern: '^\\d{9}$' },
    'Country': { type: 'string', minLength: 1, maxLength: 50 },
    'Sales Channel': { enum: ['Online', 'Offline'] },
    'Units': { type: 'integer', minimum: 1 },
  },
});
const header = ['uuid', 'Country', 'Sales Channel', 'Units'];

describe('schemaValidator', () => {
  test('valid records pass; each violation is a reason naming its column', async () => {
    const verdicts = await schemaValidator(schema)(header, [
      { line: 2, fields: ['535113847', 'Panama', 'Online', '12'] },
      { line: 3, fields: ['12ab', 'X'.repeat(51), 'Retail', '0'] },
      { line: 4, fields: ['535113847', '', 'Offline', 'many'] },
    ]);
    expect(verdicts[0]).toEqual({ valid: true });
    expect(verdicts[1]).toEqual({
      valid: false,
      reasons: [
        'uuid: must match ^\\d{9}$',
        'Country: must be at most 50 characters',
        'Sales Channel: must be one of Online, Offline',
        'Units: must be >= 1',
      ],
    });
    expect(verdicts[2]).toEqual({ valid: false, reasons: ['Country: must not be empty', 'Units: must be an integer'] });
  });

  test('a column the schema requires but the file lacks is named', async () => {
    const required = JSON.stringify({ type: 'object', required: ['Region'] });
    expect(await schemaValidator(required)(['a'], [{ line: 2, fields: ['x'] }])).toEqual([{ valid: false, reasons: ['Region: is required'] }]);
  });
});

describe('lambda validator', () => {
  test('sends batches of the configured size with header, line and fields, and keeps verdicts in order', async () => {
    const calls: any[] = [];
    const validator = lambdaValidator({
      functionName: 'checker',
      batchSize: 2,
      invoke: async (name, payload: any) => {
        calls.push([name, payload]);
        return { verdicts: payload.records.map((r: any) => (r.line % 2 === 0 ? { valid: true } : { valid: false, reasons: [`odd ${r.line}`] })) };
      },
    });
    const records = [2, 3, 4, 5, 6].map((line) => ({ line, fields: [String(line)] }));
    const verdicts = await validator(['n'], records);
    expect(calls.map(([, p]) => p.records.map((r: any) => r.line))).toEqual([[2, 3], [4, 5], [6]]);
    expect(calls[0]).toEqual(['checker', { header: ['n'], records: [{ line: 2, fields: ['2'] }, { line: 3, fields: ['3'] }] }]);
    expect(verdicts).toEqual([{ valid: true }, { valid: false, reasons: ['odd 3'] }, { valid: true }, { valid: false, reasons: ['odd 5'] }, { valid: true }]);
  });

  test('a malformed reply is a clear error', () => {
    expect(() => verdictsOf({ nope: 1 }, 1, 'checker')).toThrow('validator function checker returned a malformed reply: expected an object with a "verdicts" array');
    expect(() => verdictsOf({ verdicts: [] }, 2, 'checker')).toThrow('expected 2 verdicts, got 0');
    expect(() => verdictsOf({ verdicts: [{ valid: 'yes' }] }, 1, 'checker')).toThrow('verdict 0 has no boolean "valid"');
    expect(() => verdictsOf({ verdicts: [{ valid: false, reasons: 'bad' }] }, 1, 'checker')).toThrow('"reasons" that are not an array of strings');
    expect(verdictsOf({ verdicts: [{ valid: false }] }, 1, 'checker')).toEqual([{ valid: false, reasons: ['rejected by the validator function'] }]);
  });
});

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

  test('enrich-chunk refuses validated records that are not a ValidatedChunk', () => {
    expect(() => validatedRecordsOf('{"line":2,"fields":["x"]}', ',')).toThrow(/not a ValidatedChunk/);
    expect(() => validatedRecordsOf('{"lines":[2,3],"records":["x"]}', ',')).toThrow(/not a ValidatedChunk/);
  });
});
