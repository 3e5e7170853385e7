/**
 * The orders file's JSON Schema: each record is an object of the header's column names to strings.
 * All eight fields are required and non-empty.
 */
export const orderRecordSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['uuid', 'Country', 'Item Type', 'Sales Channel', 'Order Priority', 'Order Date', 'Region', 'Ship Date'],
  properties: {
    'uuid': { type: 'string', pattern: '^\\d{9}$' },
    'Country': { type: 'string', minLength: 1, maxLength: 50 },
    'Item Type': { type: 'string', minLength: 1, maxLength: 30 },
    'Sales Channel': { type: 'string', enum: ['Online', 'Offline'] },
    'Order Priority': { type: 'string', enum: ['C', 'H', 'L', 'M'] },
    'Order Date': { type: 'string', pattern: '^\\d{1,2}/\\d{1,2}/\\d{2}$' },
    'Region': { type: 'string', minLength: 1, maxLength: 100 },
    'Ship Date': { type: 'string', pattern: '^\\d{1,2}/\\d{1,2}/\\d{2}$' },
  },
};
