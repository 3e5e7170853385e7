import { lambdaValidator } from '../../../lambda-src/validate/lambda-validator';
import { LocalLambda, startLocalLambda } from '../../support/local-lambda';

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
