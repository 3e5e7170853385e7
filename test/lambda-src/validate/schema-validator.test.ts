import { schemaValidator } from '../../../lambda-src/validate/schema-validator';

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
