import { LocalLambda, startLocalLambda } from './local-lambda';
import { validatedRecordsOf } from '../../lambda-src/enrich/validated-records';
import { acceptAll } from '../../lambda-src/validate/batch-validator';
import { lambdaValidator } from '../../lambda-src/validate/lambda-validator';
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
  // Users' validator functions, run behind the local Invoke API.
  const functions = {
    // Valid for even lines; an odd line's reason tells the batch it came in and the header sent.
    'checker': `exports.handler = async ({ header, records }) => ({ verdicts: records.map((r) => r.line % 2 === 0
      ? { valid: true }
      : { valid: false, reasons: ['odd ' + r.line + ' in batch ' + records.map((b) => b.line + ':' + b.fields.join('/')).join(' ') + ' of ' + header.join('/')] }) })`,
    'quoting-thrower': `exports.handler = async ({ records }) => {
      throw new TypeError('cannot judge ' + records.map((r) => r.fields.join(',')).join('; '));
    }`,
    'no-verdicts': 'exports.handler = async () => ({ nope: 1 })',
    'too-few': 'exports.handler = async () => ({ verdicts: [] })',
    'not-boolean': 'exports.handler = async () => ({ verdicts: [{ valid: \'yes\' }] })',
    'bad-reasons': 'exports.handler = async () => ({ verdicts: [{ valid: false, reasons: \'bad\' }] })',
    'no-reasons': 'exports.handler = async () => ({ verdicts: [{ valid: false }] })',
  };
  let lambda: LocalLambda;
  beforeAll(async () => {
    lambda = await startLocalLambda(functions);
  });
  afterAll(() => lambda.close());
  const validatorOf = (functionName: string) => lambdaValidator({ functionName, batchSize: 2, client: lambda.client });

  test('sends batches of the configured size with header, line and fields, and keeps verdicts in order', async () => {
    const records = [2, 3, 4, 5, 6].map((line) => ({ line, fields: [String(line), `x${line}`] }));
    expect(await validatorOf('checker')(['n', 'x'], records)).toEqual([
      { valid: true },
      { valid: false, reasons: ['odd 3 in batch 2:2/x2 3:3/x3 of n/x'] },
      { valid: true },
      { valid: false, reasons: ['odd 5 in batch 4:4/x4 5:5/x5 of n/x'] },
      { valid: true },
    ]);
  });

  test('a function error names the function and its error type, never its message, which may quote records', async () => {
    const failure = validatorOf('quoting-thrower')(['uuid', 'Country'], [{ line: 2, fields: ['535113847', 'Panama'] }]);
    await expect(failure).rejects.toMatchObject({ name: 'ValidationUnavailable', message: 'validator function quoting-thrower failed: TypeError' });
  });

  test('a function that cannot be invoked is named with the service error only', async () => {
    await expect(validatorOf('missing')(['n'], [{ line: 2, fields: ['535113847'] }])).rejects.toMatchObject({
      name: 'ValidationUnavailable',
      message: 'validator function missing could not be invoked: ResourceNotFoundException',
    });
  });

  test('a malformed reply is a clear error', async () => {
    const judge = (functionName: string, count = 1) => validatorOf(functionName)(['n'], Array.from({ length: count }, (_, i) => ({ line: i + 2, fields: ['1'] })));
    const malformed = 'returned a malformed reply:';
    await expect(judge('no-verdicts')).rejects.toThrow(`validator function no-verdicts ${malformed} expected an object with a "verdicts" array`);
    await expect(judge('too-few', 2)).rejects.toThrow(`validator function too-few ${malformed} expected 2 verdicts, got 0`);
    await expect(judge('not-boolean')).rejects.toThrow('verdict 0 has no boolean "valid"');
    await expect(judge('bad-reasons')).rejects.toThrow('"reasons" that are not an array of strings');
    await expect(judge('no-verdicts')).rejects.toMatchObject({ name: 'ValidationUnavailable' });
    expect(await judge('no-reasons')).toEqual([{ valid: false, reasons: ['rejected by the validator function'] }]);
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
